// SPDX-License-Identifier: Apache-2.0
// Load of the supervision and fault tests: a few client threads sending a
// fixed mix of requests through nginx, bounded in count and in time, counting
// every answer by status and the answers that were not the expected status.
// Each thread sends from its own loopback address (127.0.2.N), so that nginx's
// per-address rate limit never answers for restd; each request is a new
// connection (http_client.h).
//
// Writes can be accounted for: a body holding kMarker gets it replaced by a
// marker unique to the request (markerPrefix + thread + count), and the
// markers of the writes answered 2xx are kept, so that a test can count the
// rows that hold them afterwards (no acknowledged write lost or duplicated).
//
// start() returns at once; stop() (or a bound) ends the load and returns the
// figures. Only stop() and sent() may be called while it runs. Not copyable.
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace restd::test {

struct HttpResponse;

// Replaced in a LoadRequest's body by the request's own marker.
inline constexpr std::string_view kMarker = "%MARKER%";

struct LoadRequest {
    std::string method = "GET";
    std::string path;  // on the stack's BASE_URL
    std::vector<std::string> headers = {};
    std::string body = {};
    long expectStatus = 200;
};

struct LoadResult {
    long sent = 0;
    long failed = 0;
    std::map<std::string, long> failures;  // "GET 502", "POST transfer failed" -> count
    std::vector<std::string> examples;     // the first few failures, for messages
    double seconds = 0;
    bool boundReached = false;  // ended by a bound rather than by stop()

    std::map<std::string, long> answers;      // every answer: "GET 200", "POST 503" -> count
    std::vector<double> answeredMs;           // time to the answer, of those that completed
    std::map<std::string, double> fastestMs;  // per key of answers: the quickest answer
    // 503s without Retry-After or without a JSON error envelope.
    long bare503 = 0;
    std::vector<std::string> acknowledged;  // markers of the writes answered 2xx
    std::vector<std::string> attempted;     // markers of every write sent

    // "2 of 1834 failed (GET 502: 1, POST 502: 1) in 6.1 s"
    std::string summary() const;
    // "GET 200: 1200, POST 201: 400, POST 503: 12; p50 3.1 ms, p99 41.0 ms"
    std::string figures() const;
    // Failures whose key is not in `allowed`.
    long failedOtherThan(const std::vector<std::string>& allowed) const;
    long answered(const std::string& key) const;
    // The p-th percentile (0..100) of answeredMs; 0 when nothing was answered.
    double percentileMs(double p) const;
};

class Load {
  public:
    struct Options {
        int threads = 6;
        long maxRequests = 20000;
        std::chrono::milliseconds maxDuration{12000};
        // Per thread, between two requests. The default keeps each thread (each
        // its own address) below the test stack's API_RATE of 1000r/s however
        // fast restd answers, and a load that stop() ends after a few seconds
        // below maxRequests: unpaced, one thread outran the rate limit and six
        // sent 20,000 requests in 2.7 s.
        std::chrono::milliseconds pause{2};
        // Bound of each request: an answer later than this is a hang
        // ("transfer failed").
        long requestTimeoutSeconds = 20;
        std::string markerPrefix = "load";
        // Threads take addresses 127.0.2.<firstAddress + thread>, modulo 250.
        int firstAddress = 1;
    };

    Load(std::vector<LoadRequest> mix, Options options);
    ~Load();  // stops and joins
    Load(const Load&) = delete;
    Load& operator=(const Load&) = delete;

    void start();
    long sent() const { return sent_.load(); }
    LoadResult stop();

  private:
    void run(int thread);
    void record(const LoadRequest& r, const HttpResponse& response, const std::string& what,
                const std::string& marker, double ms);

    const std::vector<LoadRequest> mix_;
    const Options options_;
    std::vector<std::thread> threads_;
    std::atomic<bool> stop_{false};
    std::atomic<bool> boundReached_{false};
    std::atomic<long> sent_{0};
    std::chrono::steady_clock::time_point startedAt_;
    std::mutex mutex_;  // guards result_
    LoadResult result_;
};

}  // namespace restd::test
