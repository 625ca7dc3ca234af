package dev.efspipe.local.stack;

import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.gaul.s3proxy.blobstore.domain.MultipartUpload;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.CopyObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;

import java.io.InputStream;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * S3Proxy's storage layer with S3 event notifications: every object created through it (single PUT,
 * multipart upload completion, copy), by any S3 client, is announced to the listener after the object
 * is stored, as S3 does. Hooking the storage layer, not our own upload code, is what makes uploads by
 * the AWS CLI or any SDK announce themselves.
 */
final class NotifyingBlobStore extends ForwardingBlobStore {
    private static final Logger LOG = Logger.getLogger(NotifyingBlobStore.class.getName());

    /** Receives the created object's current metadata. */
    interface Listener {
        void objectCreated(String eventName, String bucket, String key, HeadObjectResponse object);
    }

    /**
     * S3Proxy's handler records each multipart upload in progress as a stub object with this prefix
     * (S3ProxyHandler.MULTIPART_STUB_PREFIX); it is bookkeeping, not an upload, and S3 would not announce it.
     */
    static final String MULTIPART_STUB_PREFIX = ".s3proxy-mpu-stub-";

    private final Listener listener;

    NotifyingBlobStore(BlobStore delegate, Listener listener) {
        super(delegate);
        this.listener = listener;
    }

    @Override
    public PutObjectResponse putBlob(PutObjectRequest request, InputStream content) {
        PutObjectResponse response = super.putBlob(request, content);
        announce("ObjectCreated:Put", request.bucket(), request.key());
        return response;
    }

    @Override
    public CompleteMultipartUploadResponse completeMultipartUpload(MultipartUpload upload,
                                                                   CompleteMultipartUploadRequest request) {
        CompleteMultipartUploadResponse response = super.completeMultipartUpload(upload, request);
        announce("ObjectCreated:CompleteMultipartUpload", upload.containerName(), upload.blobName());
        return response;
    }

    @Override
    public CopyObjectResponse copyBlob(CopyObjectRequest request) {
        CopyObjectResponse response = super.copyBlob(request);
        announce("ObjectCreated:Copy", request.destinationBucket(), request.destinationKey());
        return response;
    }

    private void announce(String eventName, String bucket, String key) {
        if (key.startsWith(MULTIPART_STUB_PREFIX)) {
            return;
        }
        try {
            HeadObjectResponse head = delegate().blobMetadata(bucket, key);
            listener.objectCreated(eventName, bucket, key, head);
        } catch (RuntimeException e) {
            // Like S3, the object is stored whether or not its notification goes out; say so loudly.
            LOG.log(Level.SEVERE, "Stored s3://" + bucket + "/" + key + " but could not announce it: " + e, e);
        }
    }
}
