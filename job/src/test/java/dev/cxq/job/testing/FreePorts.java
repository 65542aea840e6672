package dev.cxq.job.testing;

import java.io.IOException;
import java.net.ServerSocket;

/** Ports for servers the tests start: never a fixed one, since test JVMs run side by side. */
public final class FreePorts {

    private FreePorts() {}

    /** A TCP port that was free a moment ago (the OS picks it). */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
