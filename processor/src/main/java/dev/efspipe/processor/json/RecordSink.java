package dev.efspipe.processor.json;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Where {@link JsonRecordSplitter} puts records: one stream per record, ended by {@link #endRecord()}, and the
 * field summary it feeds while walking each record; and the bounded metadata of documents (the members of a
 * top-level object that are not arrays of records). The staging output implements it; the splitter knows
 * nothing else about it.
 */
public interface RecordSink {
    /** True while the records are ones an earlier invocation already wrote (they are passed over). */
    boolean skipping();

    /** Counts a record passed over while {@link #skipping()}. */
    void skipRecord();

    /** The stream the next record of {@code source}, an NDJSON document, is written to. */
    default OutputStream recordStream(String source) throws IOException {
        return recordStream(source, null);
    }

    /**
     * The stream the next record is written to; the caller then calls {@link #endRecord()}. Records of another
     * document or another array than the previous record's go to another part: a part never mixes two.
     *
     * @param source  the document (or archive entry) the record comes from
     * @param pointer the JSON Pointer of the array (or object) the record is an element (or member) of:
     *                {@code ""} for the document's own, null for NDJSON lines
     */
    OutputStream recordStream(String source, String pointer) throws IOException;

    /** Ends the record just written. */
    void endRecord() throws IOException;

    /** The summary of the fields seen, fed while each record is walked. */
    FieldSummary fields();

    /** Bytes of document metadata still kept; members larger than this are counted, not kept. */
    int metadataRoom();

    /**
     * One member of a document's top-level object that is not an array of records.
     *
     * @param json its value as written ({@code length} bytes from {@code offset}), or null when it was not kept
     *             because it is larger than {@link #metadataRoom()}
     * @param size its size in bytes in the input
     */
    void metadata(String source, String name, byte[] json, int offset, int length, long size) throws IOException;
}
