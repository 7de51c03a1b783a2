/* server-fixture.h: run the real poise-server binary and talk to it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct {
  GSubprocess *process;
  char        *dir;    /* temporary; holds the database */
  char        *db;
  char        *base;   /* "http://127.0.0.1:PORT/api/v1" */
  guint        port;
} TestServer;

typedef struct {
  guint               status;
  char               *body;
  JsonNode           *json;     /* NULL if the body is not JSON */
  SoupMessageHeaders *headers;
} TestReply;

/* Starts poise-server on 127.0.0.1, port 0, with @dir's database (a new
 * temporary directory if NULL). */
TestServer *test_server_start     (const char  *dir);
/* The same with extra options for `serve` (NULL-terminated), e.g.
 * "--trust-proxy".  With --tls-cert the base URL is https. */
TestServer *test_server_start_with (const char *dir,
                                    ...) G_GNUC_NULL_TERMINATED;
void        test_server_stop      (TestServer  *server);   /* SIGTERM, wait, exit 0 */
void        test_server_stop_with (TestServer  *server,
                                   int          signum);
void        test_server_kill      (TestServer  *server);   /* SIGKILL, wait */
void        test_server_free      (TestServer  *server);   /* removes the directory */

/* Runs `poise-server ARGS… --db DB`; returns stdout, asserts exit 0 if @ok. */
char       *test_server_cli       (const char  *db,
                                   gboolean     ok,
                                   ...) G_GNUC_NULL_TERMINATED;
char       *test_server_add_user  (TestServer  *server,
                                   const char  *name,
                                   const char  *role);

char       *test_url              (TestServer  *server,
                                   const char  *path);
/* @token and @body may be NULL; then header name/value pairs, NULL-ended. */
TestReply  *test_request          (SoupSession *session,
                                   const char  *method,
                                   const char  *url,
                                   const char  *token,
                                   const char  *body,
                                   ...) G_GNUC_NULL_TERMINATED;
void        test_reply_free       (TestReply   *reply);
const char *test_reply_string     (TestReply   *reply,
                                   const char  *member);
gint64      test_reply_int        (TestReply   *reply,
                                   const char  *member);
const char *test_reply_error_code (TestReply   *reply);

char       *test_uuid             (void);
/* Builds a note body. */
char       *test_note_json        (const char  *customer_ref,
                                   const char  *body);

/* POISE_TEST_TIME_SCALE (3 in the sanitizer build), at least 1: tests
 * with deadlines of their own stretch them by it. */
guint       test_time_scale       (void);

/* Iterates the default main context until @condition (@data) holds or
 * @ms pass; returns whether it holds. */
typedef gboolean (*TestCondition) (gpointer data);
gboolean    test_wait_until       (TestCondition  condition,
                                   gpointer       data,
                                   guint          ms);

/* A client of the live socket (/api/v1/live). Each call runs the main
 * loop until something happens, failing the test after 10 s. */
typedef struct {
  GMainLoop               *loop;
  SoupWebsocketConnection *connection;   /* NULL if the upgrade failed */
  GError                  *error;        /* why it failed */
  guint                   status;        /* of the upgrade request */
  char                    *text;         /* the last message */
  gint64                   received_at;  /* monotonic time of that message */
  gboolean                 closed;
  gushort                  close_code;
} TestLive;

/* @token may be NULL (no Authorization header). */
void        test_live_connect     (TestLive    *live,
                                   SoupSession *session,
                                   TestServer  *server,
                                   const char  *token);
/* Runs until the next message or close. */
void        test_live_wait        (TestLive    *live);
void        test_live_clear       (TestLive    *live);

/* A stand-in web server on 127.0.0.1 that answers each request with the
 * bytes @answer returns for its head ("GET /path HTTP/1.1\r\n…"), or
 * holds the connection without answering when it returns NULL. Raw
 * sockets, one thread per connection: libsoup 3.2's server leaks its
 * connections, which a test process's fast-unwound leak reports cannot
 * tell apart from ours. */
typedef const char *(*TestStandInAnswer) (const char *head,
                                          gpointer    user_data);
typedef struct _TestStandIn TestStandIn;

TestStandIn *test_stand_in_start  (TestStandInAnswer  answer,
                                   gpointer           user_data);
/* "http://127.0.0.1:PORT" */
const char  *test_stand_in_url    (TestStandIn       *stand_in);
void         test_stand_in_stop   (TestStandIn       *stand_in);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestReply, test_reply_free)

G_END_DECLS
