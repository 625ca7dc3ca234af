package dev.efspipe.processor.json;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Where {@link JsonRecordSplitter} puts records: one stream per record, ended by {@link #endRecord()}, and the
 * field summary it feeds while walking each record. The staging output implements it; the splitter knows
 * nothing else about it.
 */
public interface RecordSink {
    /** True while the records are ones an earlier invocation already wrote (they are passed over). */
    boolean skipping();

    /** Counts a record passed over while {@link #skipping()}. */
    void skipRecord();

    /** The stream the next record of {@code source} is written to; the caller then calls {@link #endRecord()}. */
    OutputStream recordStream(String source) throws IOException;

    /** Ends the record just written. */
    void endRecord() throws IOException;

    /** The summary of the fields seen, fed while each record is walked. */
    FieldSummary fields();
}
