package com.example.mask;

import dev.efspipe.spi.RecordTransform;
import dev.efspipe.spi.TransformContext;

import java.nio.charset.StandardCharsets;

/**
 * Masks an e-mail address in each record: {@code {"email":"alice@example.com"}} becomes
 * {@code {"email":"a****@example.com"}}. Records without the member, or where it is not a string, pass unchanged.
 *
 * <p>Options: {@code field} (the top-level member, default {@code email}) and {@code keep} (characters of the
 * local part kept, default 1). Chosen, for example, by {@code PIPELINE_TRANSFORMS=customers/=mask-email} or
 * {@code ./pipeline process customers.json --transform 'mask-email(keep=2)'}.
 *
 * <p>It reads JSON with {@link Json}, a few dozen lines of its own, to show that a plugin needs nothing but the
 * spi; a plugin may equally bring a JSON library inside its jar (it gets its own class loader, so its library
 * never meets the processor's). It relies on the contract that a record is one valid JSON value.
 */
public final class MaskEmail implements RecordTransform {
    /** The character that replaces the hidden part. */
    static final char MASK = '*';

    private String field = "email";
    private int keep = 1;

    @Override
    public String name() {
        return "mask-email";
    }

    @Override
    public void open(TransformContext context) {
        field = context.option("field", "email");
        try {
            keep = Integer.parseInt(context.option("keep", "1"));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("mask-email option keep must be a whole number, got '" + context.option("keep") + "'");
        }
        if (keep < 0) {
            throw new IllegalArgumentException("mask-email option keep must not be negative, got " + keep);
        }
    }

    @Override
    public byte[] apply(byte[] record) {
        Json.Member member = Json.findTopLevelString(record, field);
        if (member == null) {
            return record;
        }
        byte[] masked = Json.quote(mask(member.value()));
        byte[] out = new byte[record.length - (member.end() - member.start()) + masked.length];
        System.arraycopy(record, 0, out, 0, member.start());
        System.arraycopy(masked, 0, out, member.start(), masked.length);
        System.arraycopy(record, member.end(), out, member.start() + masked.length, record.length - member.end());
        return out;
    }

    /** {@code alice@example.com} to {@code a****@example.com}; without an {@code @}, everything after {@code keep}. */
    String mask(String address) {
        int at = address.lastIndexOf('@');
        int local = at < 0 ? address.length() : at;
        int kept = Math.min(keep, local);
        StringBuilder b = new StringBuilder(address.length());
        b.append(address, 0, kept);
        for (int i = kept; i < local; i++) {
            b.append(MASK);
        }
        return b.append(address, local, address.length()).toString();
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
