/* reflect watch: your events as they happen, one line each (or JSON, or a
 * desktop notification), caught up from where the last run stopped. */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli_watch.h"

#include "cli_event.h"
#include "cli_json.h"
#include "cli_notify.h"
#include "cli_out.h"
#include "reflect/client_events.h"
#include "reflect/client_file.h"
#include "wire.h"

/* The cursor file PATH.events: one line per (server, user) this device has
 * watched, "<server key> <user id> <seq>". Bounded: the oldest go first. */
#define WATCH_CURSOR_LINES 32
#define WATCH_CURSOR_FILE_MAX 4096
#define WATCH_LINE_MAX 128
#define WATCH_POLL_MS 1000
#define WATCH_RETRY_MIN_S 1
#define WATCH_RETRY_MAX_S 30

static volatile sig_atomic_t watch_stop;

static void watch_on_signal(int sig)
{
  (void)sig;
  watch_stop = 1;
}

/* No SA_RESTART: a signal must end a wait for the server, not resume it. */
static void watch_signals(void)
{
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = watch_on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
}

typedef struct {
  char path[4200];
  const char *server_key;
  uint64_t user;
  uint64_t saved;
} watch_cursor;

/* Lines of the file other than ours, in order, and our seq if present. */
static size_t watch_cursor_read(const watch_cursor *w, char lines[][WATCH_LINE_MAX], uint64_t *ours)
{
  char text[WATCH_CURSOR_FILE_MAX];
  size_t len, n = 0;
  *ours = 0;
  /* A cursor is no secret, and a missing or damaged file means "from the
   * start": the worst outcome is seeing old events again. */
  if (client_file_read(w->path, 0, text, sizeof text, &len) != CLIENT_OK) return 0;
  for (char *save = NULL, *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
    char key[CLIENT_Z85_KEY];
    uint64_t user, seq;
    char end;
    if (sscanf(line, "%40s %" SCNu64 " %" SCNu64 "%c", key, &user, &seq, &end) != 3 || !client_key_valid(key)) continue;
    if (user == w->user && !strcmp(key, w->server_key)) *ours = seq;
    else if (n < WATCH_CURSOR_LINES - 1)
      snprintf(lines[n++], WATCH_LINE_MAX, "%s %" PRIu64 " %" PRIu64, key, user, seq);
  }
  return n;
}

static void watch_cursor_save(watch_cursor *w, uint64_t seq)
{
  if (seq == w->saved) return;
  char lines[WATCH_CURSOR_LINES][WATCH_LINE_MAX], text[WATCH_CURSOR_FILE_MAX];
  uint64_t old;
  size_t n = watch_cursor_read(w, lines, &old);
  int len = snprintf(text, sizeof text, "%s %" PRIu64 " %" PRIu64 "\n", w->server_key, w->user, seq);
  for (size_t i = 0; i < n && len > 0 && (size_t)len < sizeof text; i++)
    len += snprintf(text + len, sizeof text - (size_t)len, "%s\n", lines[i]);
  if (len <= 0 || (size_t)len >= sizeof text ||
      client_file_write_atomic(w->path, text, (size_t)len, 0600) != CLIENT_OK) {
    cli_error("warning: cannot save where watching stopped in %s: %s", w->path, strerror(errno));
    return;
  }
  w->saved = seq;
}

/* Sleeps s seconds unless a signal comes first. */
static void watch_sleep(int s)
{
  struct timespec ts = {.tv_sec = s, .tv_nsec = 0};
  nanosleep(&ts, NULL);
}

static void watch_unreachable(int *away)
{
  if (!*away) cli_error("server unreachable, retrying");
  *away = 1;
}

/* WhoAmI (who is watching) and the subscription, retried while the server
 * is away unless `once`. Returns CLI_EXIT_OK with *e, or an exit code. */
static int watch_start(cli_ctx *ctx, int once, int since_given, uint64_t *since, watch_cursor *w, client_events **e,
                       int *away)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__WhoAmIRequest who = REFLECT__V1__WHO_AM_IREQUEST__INIT;
  req.op_case = REFLECT__V1__REQUEST__OP_WHOAMI;
  req.whoami = &who;
  for (int wait_s = WATCH_RETRY_MIN_S; !watch_stop;
       wait_s = wait_s * 2 > WATCH_RETRY_MAX_S ? WATCH_RETRY_MAX_S : wait_s * 2) {
    Reflect__V1__Reply *rep = NULL;
    int rc = client_call(ctx->cl, &req, &rep);
    if (rc == CLIENT_OK && rep->status && rep->status->code == REFLECT__V1__CODE__UNAUTHENTICATED) rc = CLIENT_EUNAUTH;
    if (rc == CLIENT_OK && rep->result_case == REFLECT__V1__REPLY__RESULT_WHOAMI && rep->whoami->user)
      w->user = rep->whoami->user->id;
    /* An answer (or, with --once, no answer) is reported as any command
     * would; an ended login and, without --once, silence are ours. */
    if (rc != CLIENT_EUNAUTH && !(rc == CLIENT_ETIMEOUT && !once)) {
      rc = cli_call_check_reply(ctx, rc, &rep, REFLECT__V1__REPLY__RESULT_WHOAMI);
      if (rc) return rc;
      wire_free_reply(rep);
      if (!since_given) {
        uint64_t ours;
        char lines[WATCH_CURSOR_LINES][WATCH_LINE_MAX];
        watch_cursor_read(w, lines, &ours);
        *since = w->saved = ours;
      }
      rc = client_events_open(ctx->cl, ctx->cfg.events, *since, e);
      if (rc == CLIENT_OK) return CLI_EXIT_OK;
    } else {
      wire_free_reply(rep);
    }
    if (rc == CLIENT_EUNAUTH) {
      cli_error("your login has ended: run reflect login");
      return CLI_EXIT_REFUSED;
    }
    if (rc != CLIENT_ETIMEOUT || once) return cli_call_check_reply(ctx, rc, NULL, REFLECT__V1__REPLY__RESULT_WHOAMI);
    watch_unreachable(away);
    watch_sleep(wait_s);
  }
  return CLI_EXIT_OK;
}

static void watch_show(const cli_ctx *ctx, const Reflect__V1__Event *ev, int *notify)
{
  const char *zone = cli_zone(ctx);
  if (ctx->json) {
    cli_json_print(cli_event_json(ev, zone));
  } else {
    char *line = cli_event_line(ev, zone);
    puts(line);
    free(line);
  }
  fflush(stdout); /* a pipe to another program wants each event as it comes */
  if (!*notify) return;
  char *body = cli_event_details(ev, zone);
  const char *words = cli_event_kind_words(ev);
  char title[96];
  snprintf(title, sizeof title, "Reflect: %s%s", words, ev->late ? " (late)" : "");
  if (cli_notify_send(title, body) != 0) {
    if (errno == ENOENT) cli_error("notify-send is not installed (Debian: libnotify-bin); printing events only");
    else cli_error("notify-send failed; printing events only");
    *notify = 0;
  }
  free(body);
}

static int watch_run(cli_ctx *ctx, const cli_args *a)
{
  uint64_t since = 0;
  int once = cli_arg_count(a, "once") > 0, notify = cli_arg_count(a, "notify") > 0, away = 0;
  if (cli_arg_value(a, "since") && cli_parse_u64(ctx, "--since", cli_arg_value(a, "since"), 0, INT64_MAX, &since))
    return CLI_EXIT_USAGE;
  int rc = cli_call_connect(ctx);
  if (rc) return rc;
  if (!client_has_token(ctx->cl))
    return cli_call_check_reply(ctx, CLIENT_ENOTOKEN, NULL, REFLECT__V1__REPLY__RESULT_WHOAMI);
  /* With --since, whatever was saved is replaced by where this run stops. */
  watch_cursor w = {.server_key = ctx->cfg.server_key, .saved = UINT64_MAX};
  if (client_file_path_join(w.path, sizeof w.path, ctx->cfg.path, ".events"))
    return cli_usage_error(ctx, "the config path is too long");
  if (notify && !cli_notify_available()) {
    cli_error("no display ($DISPLAY and $WAYLAND_DISPLAY are unset): printing events only");
    notify = 0;
  }
  watch_signals();
  client_events *e = NULL;
  rc = watch_start(ctx, once, cli_arg_value(a, "since") != NULL, &since, &w, &e, &away);
  if (rc || !e) return rc;
  uint64_t catchups = 0;
  while (!watch_stop) {
    Reflect__V1__Event *ev = NULL;
    int erc = client_events_next(e, once ? 0 : WATCH_POLL_MS, &ev);
    client_events_stats st;
    client_events_stats_get(e, &st);
    if (away && st.catchups > catchups) {
      cli_error("server reachable again");
      away = 0;
    }
    catchups = st.catchups;
    if (erc == CLIENT_OK) {
      watch_show(ctx, ev, &notify);
      wire_free_event(ev);
    } else if (erc == CLIENT_ENOEVENT) {
      watch_cursor_save(&w, client_events_cursor(e));
      if (once) break;
    } else if (erc == CLIENT_ETIMEOUT && !once) {
      watch_unreachable(&away);
    } else {
      if (erc == CLIENT_EUNAUTH) cli_error("your login has ended: run reflect login");
      if (erc == CLIENT_EREFUSED) {
        char *why = cli_text_clean(client_events_message(e), 0);
        cli_error("the server refused to send events: %s", why);
        free(why);
      }
      rc = erc == CLIENT_EUNAUTH || erc == CLIENT_EREFUSED
               ? CLI_EXIT_REFUSED
               : cli_call_check_reply(ctx, erc, NULL, REFLECT__V1__REPLY__RESULT_EVENTS_SINCE);
      break;
    }
  }
  watch_cursor_save(&w, client_events_cursor(e));
  client_events_close(e);
  return rc;
}

static const cli_opt watch_opts[] = {
    {"notify", NULL, 0},
    {"once", NULL, 0},
    {"since", "SEQ", 0},
    {NULL, NULL, 0},
};

const cli_command cli_cmd_watch = {
    .name = "watch",
    .summary = "Follow your events: bookings, reminders, records to sign, actions.",
    .synopsis = "[--notify] [--once] [--since SEQ]",
    .help = "Catches up with what happened since the last run on this device, then prints\n"
            "each new event as it happens, one line each:\n"
            "  #123  Mon 23 Nov 14:00  reminder  Supervision with Pat Shaw starts in 1 h (Room 3)\n"
            "Times are in the organisation's time zone; [late] marks a reminder sent after\n"
            "its time. Runs until interrupted (Ctrl-C), keeps retrying while the server is\n"
            "unreachable, and exits 1 when the login has ended. Where it stopped is kept\n"
            "beside the config (PATH.events), per user.\n\n"
            "options:\n"
            "  --notify           also show a desktop notification per event (notify-send,\n"
            "                     Debian package libnotify-bin; needs $DISPLAY or\n"
            "                     $WAYLAND_DISPLAY)\n"
            "  --once             catch up, print, and exit\n"
            "  --since SEQ        start after event SEQ instead of where the last run stopped\n"
            "                     (0: every event the server still keeps)\n",
    .opts = watch_opts,
    .json = 1,
    .run = watch_run,
};
