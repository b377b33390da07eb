// SPDX-License-Identifier: Apache-2.0
// Connection handover between workers: a retiring worker sends each kept nginx
// connection as a descriptor (SCM_RIGHTS) over a datagram channel all workers
// share, and whichever worker reads the channel next takes it over. Socket
// plumbing only; when a connection is handed over is the accept loop's call.
#pragma once

namespace restd::app {

// Sends a kept connection to whichever worker reads the channel next.
bool handOverConnection(int channel, int fd);

// A kept connection another worker handed over, or -1 when there is none.
int takeOverConnection(int channel);

}  // namespace restd::app
