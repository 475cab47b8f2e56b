/* cli_chart: horizontal bars that stay legible on paper and in greyscale. */
#include "cli_chart.h"

#include <stdio.h>

#define TITLE_H 16.0
#define AXIS_H 16.0
#define LEGEND_H 16.0
#define VALUE_ROOM 40.0
/* Height a block of rows may take: an A4 body less headroom for the title,
 * axis and legend, so a long chart splits rather than runs off the page. */
#define BLOCK_MAX 640.0

/* Shades that differ in lightness, the middle ones also hatched, so that
 * five series are told apart without colour. */
static const double shades[CLI_CHART_SERIES_MAX][3] = {
    {0.13, 0.23, 0.45}, {0.55, 0.70, 0.90}, {0.90, 0.58, 0.22}, {0.35, 0.35, 0.35}, {0.86, 0.86, 0.86},
};
static const int hatch[CLI_CHART_SERIES_MAX] = {0, 1, 0, 2, 0};

static void fill_series(cairo_t *cr, size_t j, double x, double y, double w, double h)
{
  j %= CLI_CHART_SERIES_MAX;
  if (w <= 0 || h <= 0) return;
  cairo_save(cr);
  cairo_set_source_rgb(cr, shades[j][0], shades[j][1], shades[j][2]);
  cairo_rectangle(cr, x, y, w, h);
  cairo_fill_preserve(cr);
  cairo_clip(cr);
  if (hatch[j]) {
    /* Diagonal lines (dark on the light series, light on the dark one). */
    double g = hatch[j] == 1 ? 0.15 : 1.0;
    cairo_set_source_rgba(cr, g, g, g, 0.55);
    cairo_set_line_width(cr, 0.8);
    for (double d = -h; d < w + h; d += 4) {
      cairo_move_to(cr, x + d, y + h);
      cairo_line_to(cr, x + d + h, y);
      if (hatch[j] == 2) {
        cairo_move_to(cr, x + d, y);
        cairo_line_to(cr, x + d + h, y + h);
      }
    }
    cairo_stroke(cr);
  }
  cairo_restore(cr);
  cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
  cairo_set_line_width(cr, 0.4);
  cairo_rectangle(cr, x, y, w, h);
  cairo_stroke(cr);
}

static void format_value(char *buf, size_t size, double v, int decimals, const char *unit)
{
  snprintf(buf, size, "%.*f%s", decimals < 0 ? 0 : decimals > 3 ? 3 : decimals, v, unit ? unit : "");
}

static double row_height(const cli_chart *ch)
{
  return ch->stacked || ch->m <= 1 ? 16.0 : 8.0 * (double)ch->m + 6.0;
}

static int show_legend(const cli_chart *ch)
{
  return ch->stacked || ch->m > 1;
}

static void legend_draw(cli_pdf *p, cairo_t *cr, const cli_chart *ch, double x, double y, double width)
{
  double at = x;
  for (size_t j = 0; j < ch->m && j < CLI_CHART_SERIES_MAX; j++) {
    double tw = cli_pdf_text_width(p, ch->series[j], 8, 0);
    if (at + 14 + tw > x + width) break;
    fill_series(cr, j, at, y + 3, 10, 8);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cli_pdf_text(p, at + 13, y + 1, tw + 2, ch->series[j], 8, 0, -1);
    at += 13 + tw + 12;
  }
}

static void axis_draw(cli_pdf *p, cairo_t *cr, const cli_chart *ch, double x0, double x1, double top, double bottom)
{
  double min = ch->stacked ? 0 : ch->min, max = ch->stacked ? 100 : ch->max;
  double step = ch->stacked ? 25 : ch->step > 0 ? ch->step : (max - min) / 4;
  const char *unit = ch->stacked ? "%" : ch->unit;
  cairo_set_line_width(cr, 0.4);
  for (double v = min; v <= max + step / 1000; v += step) {
    double x = x0 + (v - min) / (max - min) * (x1 - x0);
    cairo_set_source_rgb(cr, 0.85, 0.85, 0.85);
    cairo_move_to(cr, x, top);
    cairo_line_to(cr, x, bottom);
    cairo_stroke(cr);
    cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
    char label[32];
    snprintf(label, sizeof label, "%g%s", v, unit ? unit : "");
    cli_pdf_text(p, x - 20, bottom + 3, 40, label, 7.5, 0, 0);
  }
  cairo_set_source_rgb(cr, 0, 0, 0);
  cairo_set_line_width(cr, 0.8);
  cairo_move_to(cr, x0, top);
  cairo_line_to(cr, x0, bottom);
  cairo_line_to(cr, x1, bottom);
  cairo_stroke(cr);
}

static void row_stacked(cli_pdf *p, cairo_t *cr, const cli_chart *ch, size_t i, double x0, double x1, double y)
{
  double sum = 0, at = x0;
  for (size_t j = 0; j < ch->m; j++) sum += ch->values[i * ch->m + j] > 0 ? ch->values[i * ch->m + j] : 0;
  if (sum <= 0) {
    cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
    cli_pdf_text(p, x0 + 4, y + 3, x1 - x0, "nothing recorded", 8, 0, -1);
    return;
  }
  for (size_t j = 0; j < ch->m; j++) {
    double v = ch->values[i * ch->m + j] > 0 ? ch->values[i * ch->m + j] : 0;
    double w = v / sum * (x1 - x0);
    fill_series(cr, j, at, y + 2, w, 12);
    if (w >= 24) {
      char label[16];
      format_value(label, sizeof label, v / sum * 100, 0, "%");
      /* On the dark shades the figure is white, on the light ones black. */
      double g = (j % CLI_CHART_SERIES_MAX == 0 || j % CLI_CHART_SERIES_MAX == 3) ? 1 : 0;
      cairo_set_source_rgb(cr, g, g, g);
      cli_pdf_text(p, at, y + 3, w, label, 7.5, 1, 0);
    }
    at += w;
  }
}

static void row_bars(cli_pdf *p, cairo_t *cr, const cli_chart *ch, size_t i, double x0, double x1, double y)
{
  double bar = ch->m <= 1 ? 12 : 8;
  for (size_t j = 0; j < ch->m; j++) {
    double v = ch->values[i * ch->m + j];
    double f = (v - ch->min) / (ch->max - ch->min);
    f = f < 0 ? 0 : f > 1 ? 1 : f;
    double by = y + 2 + (double)j * bar, w = f * (x1 - x0);
    fill_series(cr, j, x0, by, w, bar - 1);
    /* In a group, a zero says nothing the missing bar does not. */
    if (ch->m > 1 && v == 0) continue;
    char label[32];
    format_value(label, sizeof label, v, ch->decimals, ch->unit);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cli_pdf_text(p, x0 + w + 3, by - 1.5, VALUE_ROOM, label, bar <= 8 ? 6.5 : 7.5, 0, -1);
  }
}

/* Rows [first, first + n) as one block with its own axis and legend. */
static void block_draw(cli_pdf *p, const cli_chart *ch, size_t first, size_t n, int titled)
{
  double rh = row_height(ch);
  double h = (titled ? TITLE_H : 0) + rh * (double)n + AXIS_H + (show_legend(ch) ? LEGEND_H : 0) + 6;
  double x, y, width;
  cairo_t *cr = cli_pdf_reserve(p, h, &x, &y, &width);
  double top = y;
  if (titled) {
    cairo_set_source_rgb(cr, 0, 0, 0);
    cli_pdf_text(p, x, y, width, ch->title, 9.5, 1, -1);
    top += TITLE_H;
  }
  double labw = 0;
  for (size_t i = 0; i < ch->n; i++) {
    double w = cli_pdf_text_width(p, ch->labels[i], 8, 0);
    if (w > labw) labw = w;
  }
  labw = labw + 8 < width * 0.3 ? labw + 8 : width * 0.3;
  double x0 = x + labw, x1 = x + width - VALUE_ROOM, bottom = top + rh * (double)n;
  axis_draw(p, cr, ch, x0, x1, top, bottom);
  for (size_t k = 0; k < n; k++) {
    size_t i = first + k;
    double ry = top + rh * (double)k;
    cairo_set_source_rgb(cr, 0, 0, 0);
    cli_pdf_text(p, x, ry + rh / 2 - 5, labw - 6, ch->labels[i], 8, 0, 1);
    if (ch->stacked) row_stacked(p, cr, ch, i, x0, x1, ry);
    else row_bars(p, cr, ch, i, x0, x1, ry);
  }
  if (show_legend(ch)) legend_draw(p, cr, ch, x0, bottom + AXIS_H, x1 - x0);
  cairo_set_source_rgb(cr, 0, 0, 0);
  cli_pdf_advance(p, h);
}

void cli_chart_draw(cli_pdf *p, const cli_chart *ch)
{
  if (ch->m == 0 || ch->m > CLI_CHART_SERIES_MAX || (!ch->stacked && !(ch->max > ch->min))) return;
  if (ch->n == 0) {
    double x, y, width;
    cli_pdf_reserve(p, 2 * TITLE_H, &x, &y, &width);
    cli_pdf_text(p, x, y, width, ch->title, 9.5, 1, -1);
    cli_pdf_text(p, x, y + TITLE_H, width, "Nothing to chart for this period.", 8.5, 0, -1);
    cli_pdf_advance(p, 2 * TITLE_H + 4);
    return;
  }
  size_t per = (size_t)(BLOCK_MAX / row_height(ch));
  if (per == 0) per = 1;
  for (size_t first = 0; first < ch->n; first += per)
    block_draw(p, ch, first, ch->n - first < per ? ch->n - first : per, first == 0);
}
