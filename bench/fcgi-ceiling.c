// SPDX-License-Identifier: Apache-2.0
/* fcgi-ceiling: the ceilings of restd's FastCGI path, for bench/run.
 *
 *   fcgi-ceiling trivial SOCKET WORKERS THREADS
 *   fcgi-ceiling query   SOCKET WORKERS THREADS   (DB_SOCKET, DB_NAME, DB_USER, DB_PASSWORD)
 *
 * Same process model as restd: WORKERS forked processes, each with THREADS
 * threads looping on FCGX_Accept_r over one shared unix socket. "trivial"
 * answers every request with a fixed small JSON body: what any libfcgi server
 * can do at best. "query" answers GET .../{id} with one primary-key SELECT of
 * a user (a server-side prepared statement on a connection per thread, as
 * restd's pool gives each request), and nothing else: no auth, no routing.
 * Not hardened: a benchmark instrument, never to face a network.
 */
#include <fcgiapp.h>
#include <mysql.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int listenFd;
static int queryMode;

static const char kUserSql[] =
    "SELECT id, username, role, DATE_FORMAT(created_at, '%Y-%m-%dT%H:%i:%s.%f'), "
    "DATE_FORMAT(updated_at, '%Y-%m-%dT%H:%i:%s.%f') FROM users WHERE id = ?";

static MYSQL_STMT *prepareUserQuery(void) {
    MYSQL *db = mysql_init(NULL);
    if (!mysql_real_connect(db, NULL, getenv("DB_USER"), getenv("DB_PASSWORD"),
                            getenv("DB_NAME"), 0, getenv("DB_SOCKET"), 0)) {
        fprintf(stderr, "fcgi-ceiling: connect: %s\n", mysql_error(db));
        exit(1);
    }
    MYSQL_STMT *stmt = mysql_stmt_init(db);
    if (mysql_stmt_prepare(stmt, kUserSql, sizeof kUserSql - 1)) {
        fprintf(stderr, "fcgi-ceiling: prepare: %s\n", mysql_stmt_error(stmt));
        exit(1);
    }
    return stmt;
}

/* Runs the SELECT for the id at the end of the URI; writes the user's JSON to
 * out and returns the HTTP status. Usernames are [A-Za-z0-9_] by restd's
 * rules, so nothing needs escaping. */
static int findUser(MYSQL_STMT *stmt, const char *uri, char *out, size_t size) {
    const char *slash = strrchr(uri ? uri : "", '/');
    unsigned long long id = slash ? strtoull(slash + 1, NULL, 10) : 0;
    char name[64], role[16], created[32], updated[32];
    unsigned long long rowId = 0;
    unsigned long lens[5] = {0};
    MYSQL_BIND in = {.buffer_type = MYSQL_TYPE_LONGLONG, .buffer = &id, .is_unsigned = 1};
    MYSQL_BIND res[5] = {
        {.buffer_type = MYSQL_TYPE_LONGLONG, .buffer = &rowId, .is_unsigned = 1},
        {.buffer_type = MYSQL_TYPE_STRING, .buffer = name, .buffer_length = sizeof name, .length = &lens[1]},
        {.buffer_type = MYSQL_TYPE_STRING, .buffer = role, .buffer_length = sizeof role, .length = &lens[2]},
        {.buffer_type = MYSQL_TYPE_STRING, .buffer = created, .buffer_length = sizeof created, .length = &lens[3]},
        {.buffer_type = MYSQL_TYPE_STRING, .buffer = updated, .buffer_length = sizeof updated, .length = &lens[4]},
    };
    if (mysql_stmt_bind_param(stmt, &in) || mysql_stmt_execute(stmt) ||
        mysql_stmt_bind_result(stmt, res)) {
        snprintf(out, size, "{\"success\":false,\"error\":\"%s\"}", mysql_stmt_error(stmt));
        return 500;
    }
    int found = mysql_stmt_fetch(stmt) == 0;
    mysql_stmt_free_result(stmt);
    if (!found) return snprintf(out, size, "{\"success\":false,\"error\":\"User not found\"}"), 404;
    snprintf(out, size,
             "{\"success\":true,\"data\":{\"id\":%llu,\"username\":\"%.*s\",\"role\":\"%.*s\","
             "\"createdAt\":\"%.23sZ\",\"updatedAt\":\"%.23sZ\"}}",
             rowId, (int)lens[1], name, (int)lens[2], role, created, updated);
    return 200;
}

static void *acceptLoop(void *arg) {
    (void)arg;
    MYSQL_STMT *stmt = NULL;
    if (queryMode) {
        mysql_thread_init();
        stmt = prepareUserQuery();
    }
    FCGX_Request req;
    FCGX_InitRequest(&req, listenFd, 0);
    char body[512];
    while (FCGX_Accept_r(&req) >= 0) {
        int status = 200;
        if (stmt)
            status = findUser(stmt, FCGX_GetParam("REQUEST_URI", req.envp), body, sizeof body);
        else
            snprintf(body, sizeof body, "{\"success\":true,\"data\":{\"status\":\"healthy\"}}");
        FCGX_FPrintF(req.out, "Status: %d\r\nContent-Type: application/json\r\n\r\n%s", status,
                     body);
        FCGX_Finish_r(&req);
    }
    return NULL;
}

int main(int argc, char **argv) {
    if (argc != 5 || (strcmp(argv[1], "trivial") && strcmp(argv[1], "query"))) {
        fprintf(stderr, "usage: fcgi-ceiling trivial|query SOCKET WORKERS THREADS\n");
        return 2;
    }
    queryMode = strcmp(argv[1], "query") == 0;
    int workers = atoi(argv[3]), threads = atoi(argv[4]);
    unlink(argv[2]);
    if (FCGX_Init() || (listenFd = FCGX_OpenSocket(argv[2], 1024)) < 0) {
        fprintf(stderr, "fcgi-ceiling: cannot listen on %s\n", argv[2]);
        return 1;
    }
    signal(SIGTERM, SIG_DFL); /* libfcgi's handler would only end the accept loops lazily */
    for (int w = 0; w < workers; w++) {
        if (fork() != 0) continue;
        if (queryMode) mysql_library_init(0, NULL, NULL);
        pthread_t tids[256];
        if (threads > 256) threads = 256;
        for (int t = 0; t < threads; t++) pthread_create(&tids[t], NULL, acceptLoop, NULL);
        for (int t = 0; t < threads; t++) pthread_join(tids[t], NULL);
        return 0;
    }
    /* The master only waits: bench/run stops the whole process group. */
    while (wait(NULL) > 0) {
    }
    return 0;
}
