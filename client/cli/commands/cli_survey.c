/* reflect survey answer: the five questions after a session; and reflect
 * report survey: the answers in aggregate, never for fewer than five
 * people (the server withholds them; this only says so). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cli_csv.h"
#include "cli_json.h"
#include "cli_out.h"
#include "cli_report_json.h"
#include "cli_reports.h"
#include "cli_time.h"
#include "wire.h"

#define SURVEY_QUESTIONS 5
#define SURVEY_COMMENT_MAX 2000

/* Shown when answering; the server's report carries its own copy. */
static const char *const questions[SURVEY_QUESTIONS] = {
    "Does the way I am supervised add to my job satisfaction and make me want to stay?",
    "Does it make me feel my employer cares about me and my practice?",
    "Does it increase my confidence, competence and critical thinking?",
    "Does it help me make better decisions for children and families?",
    "Am I able to change the direction of my thinking when that is right?",
};

/* "4,5,3,4,5": exactly five digits 1-5, comma-separated. */
static int parse_answers(const cli_ctx *ctx, const char *s, uint32_t *out)
{
  size_t n = 0;
  const char *p = s;
  while (*p) {
    if (n == SURVEY_QUESTIONS || *p < '1' || *p > '5' || (p[1] && p[1] != ','))
      return cli_usage_error(ctx, "--answers is five scores 1-5 separated by commas, like 4,5,3,4,5");
    out[n++] = (uint32_t)(*p - '0');
    p += p[1] ? 2 : 1;
  }
  if (n != SURVEY_QUESTIONS || s[strlen(s) - 1] == ',')
    return cli_usage_error(ctx, "--answers is five scores 1-5 separated by commas, like 4,5,3,4,5");
  return CLI_EXIT_OK;
}

/* One line from stdin without its newline; 0 at end of input. */
static int read_line(char *buf, size_t size)
{
  if (!fgets(buf, (int)size, stdin)) return 0;
  size_t n = strlen(buf);
  if (n && buf[n - 1] == '\n') buf[--n] = '\0';
  else if (n == size - 1) {
    int ch;
    while ((ch = getchar()) != EOF && ch != '\n') continue; /* the rest of an over-long line is dropped */
  }
  return 1;
}

/* Asks each question on the terminal. Only on a terminal: piped input
 * would answer questions no one has read. */
static int ask_answers(const cli_ctx *ctx, uint32_t *out, char *comment, size_t comment_size)
{
  if (!isatty(STDIN_FILENO))
    return cli_usage_error(ctx, "give --answers (stdin is not a terminal, so the questions cannot be asked)");
  fprintf(stderr, "Answer each question from 1 (not at all) to 5 (very much).\n");
  char line[64];
  for (int q = 0; q < SURVEY_QUESTIONS; q++) {
    for (;;) {
      fprintf(stderr, "%d. %s [1-5]: ", q + 1, questions[q]);
      if (!read_line(line, sizeof line)) {
        cli_error("no answer given; nothing was sent");
        return CLI_EXIT_REFUSED;
      }
      if (line[0] >= '1' && line[0] <= '5' && line[1] == '\0') break;
      fprintf(stderr, "Please type a number from 1 to 5.\n");
    }
    out[q] = (uint32_t)(line[0] - '0');
  }
  fprintf(stderr, "Anything you want to add (optional, one line; Enter to skip): ");
  if (!read_line(comment, comment_size)) comment[0] = '\0';
  return *comment ? cli_check_text(ctx, "the comment", comment, SURVEY_COMMENT_MAX) : CLI_EXIT_OK;
}

static const cli_opt answer_opts[] = {
    {"answers", "A,B,C,D,E", 0},
    {"comment", "TEXT", 0},
    {NULL, NULL, 0},
};

static int survey_answer_run(cli_ctx *ctx, const cli_args *a)
{
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__SurveyAnswerRequest ans = REFLECT__V1__SURVEY_ANSWER_REQUEST__INIT;
  Reflect__V1__Reply *rep;
  uint64_t session;
  uint32_t answers[SURVEY_QUESTIONS];
  static char typed[SURVEY_COMMENT_MAX + 2];
  const char *given = cli_arg_value(a, "answers"), *comment = cli_arg_value(a, "comment");
  int rc = cli_parse_u64(ctx, "SESSION", a->pos[0], 1, INT64_MAX, &session);
  if (!rc && comment) rc = cli_check_text(ctx, "--comment", comment, SURVEY_COMMENT_MAX);
  if (!rc && given) rc = parse_answers(ctx, given, answers);
  if (!rc && !given) {
    rc = ask_answers(ctx, answers, typed, sizeof typed);
    if (!comment) comment = typed;
  }
  if (rc) return rc;
  ans.session_id = session;
  ans.answers = answers;
  ans.n_answers = SURVEY_QUESTIONS;
  ans.comment = (char *)(comment ? comment : "");
  req.op_case = REFLECT__V1__REQUEST__OP_SURVEY_ANSWER;
  req.survey_answer = &ans;
  rc = cli_call(ctx, &req, REFLECT__V1__REPLY__RESULT_SURVEY_ANSWER, &rep);
  if (rc) return rc;
  wire_free_reply(rep);
  fprintf(stderr, "Thank you: your answers are counted, never shown as yours.\n");
  return CLI_EXIT_OK;
}

static const cli_command survey_answer = {
    .name = "answer",
    .summary = "Answer the five questions about a session you were supervised in.",
    .synopsis = "SESSION [--answers A,B,C,D,E] [--comment TEXT]",
    .help = "Within 60 days of a held session, once. Answers are reported only in\n"
            "aggregate, and not at all for fewer than five people; no one sees yours.\n"
            "Without --answers each question is asked on the terminal.\n\n"
            "options:\n"
            "  --answers A,B,C,D,E  a score from 1 (not at all) to 5 (very much) per question:\n"
            "                       1 job satisfaction and wanting to stay; 2 the employer cares;\n"
            "                       3 confidence, competence, critical thinking; 4 better\n"
            "                       decisions for children and families; 5 changing direction\n"
            "  --comment TEXT       anything to add (at most 2000 bytes)\n",
    .opts = answer_opts,
    .pos_name = "SESSION",
    .min_pos = 1,
    .max_pos = 1,
    .run = survey_answer_run,
};

static const cli_command *const survey_commands[] = {&survey_answer, NULL};

const cli_command cli_group_survey = {
    .name = "survey",
    .summary = "Answer the feedback survey after a session.",
    .subs = survey_commands,
};

/* ---- reflect report survey ------------------------------------------------ */

static void print_text(const Reflect__V1__SurveyReport *r)
{
  const Reflect__V1__ReportScope *s = r->scope;
  char *team = cli_text_clean(s ? s->team : "", 0), *sup = cli_text_clean(r->supervisor, 0);
  printf("Feedback survey: team %s, %s to %s%s%s\n", team, s ? s->from : "", s ? s->to : "",
         *sup ? ", sessions led by " : "", sup);
  free(team);
  free(sup);
  char *open = cli_text_clean(r->open_from, 0);
  if (*open)
    printf("Answers given from %s on are not counted yet: each month's are published once the month has ended, "
           "and never change after.\n",
           open);
  free(open);
  if (r->withheld) {
    printf("Fewer than %u people answered in this period: results are not shown, so that no one's answers "
           "can be singled out.\n",
           r->minimum);
    return;
  }
  printf("%u people answered (%u answers). Scores from 1 (not at all) to 5 (very much).\n\n", r->respondents,
         r->responses);
  for (size_t i = 0; i < r->n_questions; i++) {
    const Reflect__V1__SurveyQuestion *q = r->questions[i];
    char *text = cli_text_clean(q->text, 0);
    printf("%u. %s\n   mean %.2f  ", q->number, text, q->mean);
    for (size_t k = 0; k < q->n_counts; k++) printf("  %zu: %u", k + 1, q->counts[k]);
    printf("\n");
    free(text);
  }
  if (r->n_comments) printf("\nComments (in alphabetical order, without who or when):\n");
  for (size_t i = 0; i < r->n_comments; i++) {
    char *text = cli_text_clean(r->comments[i], 0);
    printf("  - %s\n", text);
    free(text);
  }
}

static void print_csv(const Reflect__V1__SurveyReport *r)
{
  if (r->withheld) {
    static const char *const head[] = {"withheld", "minimum"};
    char min[24];
    const char *row[] = {"yes", cli_csv_u64(min, sizeof min, r->minimum)};
    cli_csv_row(stdout, head, 2);
    cli_csv_row(stdout, row, 2);
    return;
  }
  static const char *const head[] = {"question",   "text",       "respondents", "responses",  "mean",
                                     "answered_1", "answered_2", "answered_3",  "answered_4", "answered_5"};
  cli_csv_row(stdout, head, 10);
  for (size_t i = 0; i < r->n_questions; i++) {
    const Reflect__V1__SurveyQuestion *q = r->questions[i];
    char b[10][32];
    const char *row[10] = {cli_csv_u64(b[0], sizeof b[0], q->number), q->text,
                           cli_csv_u64(b[2], sizeof b[2], r->respondents), cli_csv_u64(b[3], sizeof b[3], r->responses),
                           cli_csv_double(b[4], sizeof b[4], q->mean)};
    for (size_t k = 0; k < 5; k++)
      row[5 + k] = cli_csv_u64(b[5 + k], sizeof b[5 + k], k < q->n_counts ? q->counts[k] : 0);
    cli_csv_row(stdout, row, 10);
  }
}

static const cli_opt report_opts[] = {
    {"team", "TEAM", 0},     {"supervisor", "USER", 0}, {"from", "YYYY-MM-DD", 0},
    {"to", "YYYY-MM-DD", 0}, {"csv", NULL, 0},          {NULL, NULL, 0},
};

static int report_survey_run(cli_ctx *ctx, const cli_args *a)
{
  const char *sup = cli_arg_value(a, "supervisor");
  cli_report_period period;
  Reflect__V1__ReportScope scope = REFLECT__V1__REPORT_SCOPE__INIT;
  int rc = sup ? cli_check_text(ctx, "--supervisor", sup, CLI_TEXT_MAX) : CLI_EXIT_OK;
  if (!rc) rc = cli_report_scope_read(ctx, a, &period, &scope);
  if (rc) return rc;
  int csv = period.csv;
  Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;
  Reflect__V1__ReportRequest rr = REFLECT__V1__REPORT_REQUEST__INIT;
  Reflect__V1__Reply *rep;
  rr.scope = &scope;
  rr.supervisor = (char *)(sup ? sup : "");
  req.op_case = REFLECT__V1__REQUEST__OP_REPORT_SURVEY;
  req.report_survey = &rr;
  rc = cli_call(ctx, &req, REFLECT__V1__REPLY__RESULT_REPORT_SURVEY, &rep);
  if (rc) return rc;
  if (ctx->json) rc = cli_json_print(cli_report_json_survey(rep->report_survey));
  else if (csv) print_csv(rep->report_survey);
  else print_text(rep->report_survey);
  wire_free_reply(rep);
  return rc;
}

const cli_command cli_report_survey = {
    .name = "survey",
    .summary = "The feedback survey, in aggregate (never for fewer than five).",
    .synopsis = "--team TEAM [--supervisor USER] [--from DATE] [--to DATE] [--csv]",
    .help = "Mean score and how many gave each score, per question, and the comments in\n"
            "alphabetical order. Nothing is shown when fewer than five people answered.\n"
            "Answers are published by calendar month once the month has ended (from the\n"
            "2nd of the next), and never change after: this month's are not counted yet.\n"
            "A manager sees the teams they manage; a supervisor, only the answers about\n"
            "the sessions they led. With --csv the comments are left out (see --json).\n\n"
            "options:\n"
            "  --team TEAM        the team\n"
            "  --supervisor USER  only sessions led by USER\n"
            "  --from DATE        first day (default: four weeks ending on --to)\n"
            "  --to DATE          last day (default: today)\n"
            "  --csv              one row per question\n",
    .opts = report_opts,
    .json = 1,
    .run = report_survey_run,
};
