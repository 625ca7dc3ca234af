package dev.efspipe.processor.input;

import dev.efspipe.job.InvalidInputException;
import dev.efspipe.job.UploadSource;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SeekableByteChannel;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An S3 object read with ranged GETs, so a 1.5 GB archive is never copied whole to EFS or {@code /tmp}
 * before it is read. The channel fetches blocks of {@value #BLOCK} bytes on demand: a zip's central
 * directory costs one GET at the end, and a front-to-back read costs one GET per block.
 *
 * <p>Every GET is pinned to the announced object: by version id when the bucket is versioned, else by
 * {@code If-Match} on the ETag. If the key was overwritten since the announcement, the read fails as a
 * permanent error for this job (the new object has its own announcement and job); so does a 404, an object
 * deleted since (S3 answers 404 only to a caller that may list the bucket: without {@code s3:ListBucket} a
 * missing key is a 403). A 403 is transient, and its message names the permission or the credentials refused.
 */
public final class S3InputSource implements InputSource {
    static final int BLOCK = 8 * 1024 * 1024;
    static final int SEEK_BLOCK = 128 * 1024;

    private final S3Client s3;
    private final UploadSource source;
    private final AtomicLong fetched = new AtomicLong();
    private final AtomicInteger requests = new AtomicInteger();

    public S3InputSource(S3Client s3, UploadSource source) {
        if (source.scheme() != UploadSource.Scheme.S3) {
            throw new IllegalArgumentException("not an S3 source: " + source.describe());
        }
        this.s3 = s3;
        this.source = source;
    }

    @Override
    public String describe() {
        return source.describe();
    }

    @Override
    public String fileName() {
        String key = source.key();
        return key.substring(key.lastIndexOf('/') + 1);
    }

    @Override
    public long size() {
        return source.size();
    }

    /**
     * Bytes received from S3 so far, over every channel this source opened; for tests and benchmarks: how
     * much of the object the reads cost.
     */
    public long bytesFetched() {
        return fetched.get();
    }

    /** Ranged GETs sent so far, over every channel this source opened (failed ones included); for tests and benchmarks. */
    public int getRequests() {
        return requests.get();
    }

    @Override
    public SeekableByteChannel openChannel() {
        return new RangeChannel();
    }

    private ResponseInputStream<GetObjectResponse> get(long from, long toInclusive) throws IOException {
        GetObjectRequest.Builder req = GetObjectRequest.builder()
                .bucket(source.bucket()).key(source.key()).range("bytes=" + from + "-" + toInclusive);
        if (pinnedToVersion()) {
            req.versionId(source.versionId());
        } else if (source.eTag() != null && !source.eTag().isEmpty()) {
            req.ifMatch("\"" + source.eTag() + "\"");
        }
        try {
            return s3.getObject(req.build());
        } catch (NoSuchKeyException e) {
            throw new InvalidInputException(describe() + ": the object no longer exists (S3 answered 404 NoSuchKey: it was"
                    + " deleted after it was announced); there is nothing to process", e);
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                throw new InvalidInputException(describe() + ": the object no longer exists (S3 answered 404 " + code(e)
                        + "); there is nothing to process", e);
            }
            if (e.statusCode() == 412) {
                throw new InvalidInputException(describe() + " changed after it was announced (ETag "
                        + source.eTag() + " no longer matches); its new content has its own job", e);
            }
            if (e.statusCode() == 403) {
                throw new IOException(forbidden(e), e);
            }
            throw new IOException("S3 GET of " + describe() + " bytes " + from + "-" + toInclusive
                    + " failed: " + e.getMessage(), e);
        } catch (SdkClientException e) {
            throw new IOException("S3 GET of " + describe() + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * A 403 in words: which permission the processor lacks (transient: the job is retried, and lands in the
     * dead-letter queue if nobody grants it), or that its credentials were refused.
     */
    private String forbidden(S3Exception e) {
        String code = code(e);
        String object = "arn:aws:s3:::" + source.bucket() + "/" + source.key();
        return switch (code) {
            case "AccessDenied" -> "S3 refused to read " + describe() + " (403 AccessDenied): the processor's role needs "
                    + (pinnedToVersion() ? "s3:GetObjectVersion" : "s3:GetObject") + " on " + object
                    + ", and s3:ListBucket on arn:aws:s3:::" + source.bucket() + " (for the upload prefix) so that an object"
                    + " deleted after its announcement answers 404, a permanent failure, instead of 403; the job is retried";
            case "InvalidAccessKeyId", "SignatureDoesNotMatch", "ExpiredToken", "InvalidToken", "TokenRefreshRequired" ->
                    "S3 refused the processor's credentials reading " + describe() + " (403 " + code + ": "
                    + e.awsErrorDetails().errorMessage() + "): check the access key and secret it signs with (in Lambda,"
                    + " its role's temporary credentials); the job is retried";
            default -> "S3 refused to read " + describe() + " (403 " + code + ": "
                    + (e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorMessage()) + "); the job is retried";
        };
    }

    private boolean pinnedToVersion() {
        return source.versionId() != null && !source.versionId().isEmpty() && !source.versionId().equals("null");
    }

    private static String code(S3Exception e) {
        return e.awsErrorDetails() != null && e.awsErrorDetails().errorCode() != null ? e.awsErrorDetails().errorCode()
                : String.valueOf(e.statusCode());
    }

        /** Read-only channel over the object; one block of read-ahead. Not thread-safe, like any channel. */
    private final class RangeChannel extends ReadOnlyChannel {
        private long position;
        private boolean open = true;
        private long blockStart = -1;
        private byte[] block = new byte[0];
        private int blockLength;

        @Override
        public int read(ByteBuffer dst) throws IOException {
            ensureOpen();
            long size = size();
            if (position >= size) {
                return -1;
            }
            if (blockStart < 0 || position < blockStart || position >= blockStart + blockLength) {
                fill(position);
            }
            int offset = (int) (position - blockStart);
            int n = Math.min(dst.remaining(), blockLength - offset);
            dst.put(block, offset, n);
            position += n;
            return n;
        }

        private void fill(long from) throws IOException {
            // Only a read that continues where the last block ended gets a whole block; any other is a seek
            // (the format peek, a zip's end records, a local header) and needs a few bytes, not 8 MiB.
            boolean forward = blockStart >= 0 && from == blockStart + blockLength;
            long to = Math.min(size(), from + (forward ? BLOCK : SEEK_BLOCK)) - 1;
            int length = (int) (to - from + 1);
            if (block.length < length) {
                block = new byte[length];
            }
            requests.incrementAndGet();
            try (InputStream in = get(from, to)) {
                int got = in.readNBytes(block, 0, length);
                fetched.addAndGet(got);
                if (got != length) {
                    throw new IOException("S3 returned " + got + " bytes for " + describe() + " range "
                            + from + "-" + to + " (expected " + length + "): the object is shorter than announced");
                }
            }
            blockStart = from;
            blockLength = length;
        }

        @Override
        public long position() {
            return position;
        }

        @Override
        public SeekableByteChannel position(long newPosition) throws IOException {
            ensureOpen();
            if (newPosition < 0) {
                throw new IllegalArgumentException("negative position " + newPosition);
            }
            position = newPosition;
            return this;
        }

        @Override
        public long size() {
            return source.size();
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public void close() {
            open = false;
            block = new byte[0];
        }

        private void ensureOpen() throws ClosedChannelException {
            if (!open) {
                throw new ClosedChannelException();
            }
        }
    }
}
