/*
 * bench_web — the web phase: BENCH_WEB_CLIENTS browsers, each logged in to
 * a real reflect-web in front of the benchmark's reflectd, half loading
 * the home page and half a record page as fast as they can; then the same
 * server requests made directly through libreflect by as many threads, in
 * interleaved rounds. What the gateway adds is the ratio of the two.
 *
 * Contract:
 *  - bench_web_run starts reflect-web (the path given) on 127.0.0.1 with
 *    a port the kernel picks, logs every browser in (GET /login for the
 *    session and CSRF token, POST /login), and runs `rounds` rounds of
 *    (web, direct), each warmup_s then seconds long.
 *  - A page counts only if it is 200 and holds what it should ("My
 *    supervision" / "Supervision record"); anything else is an error.
 *  - The figures are the median over rounds, with min and max, of p50 and
 *    p99 for each page, web and direct, and of their ratio.
 *  - Returns 0, or -1 if reflect-web or the logins failed (the reason on
 *    stderr). reflect-web is stopped (SIGTERM) before it returns.
 */
#ifndef REFLECT_BENCH_WEB_H
#define REFLECT_BENCH_WEB_H

#include "bench_loop.h"
#include "bench_reflect.h"

#define BENCH_WEB_CLIENTS 100

typedef struct {
  double web_p50[2], web_p99[2], direct_p50[2], direct_p99[2]; /* [0] home, [1] record */
  double min_web_p99[2], max_web_p99[2], min_ratio[2], max_ratio[2], ratio[2];
  double min_web_p50[2], max_web_p50[2];
  uint64_t errors;
  int rounds;
} bench_web_figures;

int bench_web_run(bench_fixture *fx, const char *reflect_web, const char *dir, int rounds, double warmup_s,
                  double seconds, bench_web_figures *out);

#endif
