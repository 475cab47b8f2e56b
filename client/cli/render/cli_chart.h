/*
 * cli_chart — horizontal bar charts on a cli_pdf page: one bar per row,
 * grouped bars (several series per row), or one 100%-stacked bar per row.
 * Every chart has a title, row labels, an axis with values, a value on
 * each bar (or segment, where it fits) and, for more than one series, a
 * legend. Series are told apart by shade and by hatching, so a greyscale
 * print still reads.
 *
 * Contract: the chart borrows everything it is given; values has
 * n * m entries, row-major (row i, series j at i * m + j). Rows that do not
 * fit on a page continue in a second block on the next, with the axis and
 * legend repeated. At most CLI_CHART_SERIES_MAX series.
 */
#ifndef REFLECT_CLI_CHART_H
#define REFLECT_CLI_CHART_H

#include <stddef.h>

#include "cli_pdf.h"

#define CLI_CHART_SERIES_MAX 5

typedef struct {
  const char *title;
  const char *const *labels; /* n row labels */
  size_t n;
  const char *const *series; /* m series names (the legend) */
  size_t m;
  const double *values;
  double min, max, step; /* the axis; ignored when stacked (0-100%) */
  const char *unit;      /* appended to axis and bar values: "%", "" */
  int decimals;          /* shown on bar values */
  int stacked;           /* each row as shares of its sum */
} cli_chart;

void cli_chart_draw(cli_pdf *p, const cli_chart *ch);

#endif
