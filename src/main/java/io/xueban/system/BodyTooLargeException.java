package io.xueban.system;

import java.io.IOException;

/** Thrown while reading a request body that grows past the configured limit. */
class BodyTooLargeException extends IOException {

    private final long limitBytes;

    BodyTooLargeException(long limitBytes) {
        super("Request body larger than " + limitBytes + " bytes");
        this.limitBytes = limitBytes;
    }

    long limitBytes() {
        return limitBytes;
    }
}
