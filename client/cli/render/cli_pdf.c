/* cli_pdf: A4 pages drawn with cairo, text laid out with pango. */
#include "cli_pdf.h"

#include <stdlib.h>
#include <string.h>

#include <cairo-pdf.h>
#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>

#define PAGE_W 595.28
#define PAGE_H 841.89
#define MARGIN 56.0
#define BODY_TOP MARGIN
#define BODY_BOTTOM (PAGE_H - MARGIN)
#define BODY_W (PAGE_W - 2 * MARGIN)
#define FONT "DejaVu Sans"
#define TEXT_SIZE 10.0
#define CELL_PAD 3.0

struct cli_pdf {
  cairo_surface_t *surface;
  cairo_t *cr;
  PangoContext *ctx;
  const char *footer;
  int page, total; /* total 0 while counting */
  double y;
  int drawn; /* anything on the current page yet */
};

static PangoLayout *layout_make(cli_pdf *p, const char *text, double size, int bold, int italic, double width)
{
  PangoLayout *l = pango_layout_new(p->ctx);
  PangoFontDescription *fd = pango_font_description_from_string(FONT);
  pango_font_description_set_size(fd, (gint)(size * PANGO_SCALE));
  if (bold) pango_font_description_set_weight(fd, PANGO_WEIGHT_BOLD);
  if (italic) pango_font_description_set_style(fd, PANGO_STYLE_ITALIC);
  pango_layout_set_font_description(l, fd);
  pango_font_description_free(fd);
  if (width > 0) {
    pango_layout_set_width(l, (int)(width * PANGO_SCALE));
    pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
  }
  /* Plain text, never markup: a name like "<b>" is shown as typed. */
  pango_layout_set_text(l, text ? text : "", -1);
  return l;
}

static double layout_height(PangoLayout *l)
{
  int w, h;
  pango_layout_get_size(l, &w, &h);
  return (double)h / PANGO_SCALE;
}

static void footer_draw(cli_pdf *p)
{
  char buf[320];
  if (p->total) snprintf(buf, sizeof buf, "%.240s — page %d of %d", p->footer, p->page, p->total);
  else snprintf(buf, sizeof buf, "%.240s — page %d of ?", p->footer, p->page);
  cairo_set_source_rgb(p->cr, 0.4, 0.4, 0.4);
  cairo_set_line_width(p->cr, 0.5);
  cairo_move_to(p->cr, MARGIN, BODY_BOTTOM + 12);
  cairo_line_to(p->cr, PAGE_W - MARGIN, BODY_BOTTOM + 12);
  cairo_stroke(p->cr);
  cli_pdf_text(p, MARGIN, BODY_BOTTOM + 16, BODY_W, buf, 8, 0, 0);
  cairo_set_source_rgb(p->cr, 0, 0, 0);
}

void cli_pdf_new_page(cli_pdf *p)
{
  footer_draw(p);
  cairo_show_page(p->cr);
  p->page++;
  p->y = BODY_TOP;
  p->drawn = 0;
}

/* Breaks the page unless height still fits (a block taller than a whole
 * page is drawn from the top of a fresh one and clipped by the paper). */
static void ensure(cli_pdf *p, double height)
{
  if (p->y + height > BODY_BOTTOM && p->drawn) cli_pdf_new_page(p);
}

void cli_pdf_space(cli_pdf *p, double points)
{
  p->y += points;
  if (p->y > BODY_BOTTOM) cli_pdf_new_page(p);
}

/* Draws a layout line by line at x, breaking pages between lines, so a
 * paragraph of any length flows on. */
static void flow(cli_pdf *p, PangoLayout *l, double x)
{
  PangoLayoutIter *it = pango_layout_get_iter(l);
  do {
    PangoRectangle lr;
    pango_layout_iter_get_line_extents(it, NULL, &lr);
    double top = (double)lr.y / PANGO_SCALE, h = (double)lr.height / PANGO_SCALE;
    double base = (double)pango_layout_iter_get_baseline(it) / PANGO_SCALE;
    ensure(p, h);
    cairo_move_to(p->cr, x + (double)lr.x / PANGO_SCALE, p->y + (base - top));
    pango_cairo_show_layout_line(p->cr, pango_layout_iter_get_line_readonly(it));
    p->y += h;
    p->drawn = 1;
  } while (pango_layout_iter_next_line(it));
  pango_layout_iter_free(it);
}

void cli_pdf_heading(cli_pdf *p, int level, const char *text)
{
  double size = level <= 1 ? 15 : level == 2 ? 11.5 : 10;
  /* A heading alone at the foot of a page helps nobody: keep room for
   * what it introduces. */
  ensure(p, level <= 1 ? 140 : level == 2 ? 90 : 40);
  if (p->drawn) p->y += level <= 1 ? 14 : level == 2 ? 8 : 4;
  PangoLayout *l = layout_make(p, text, size, 1, 0, BODY_W);
  cairo_set_source_rgb(p->cr, 0.10, 0.18, 0.36);
  flow(p, l, MARGIN);
  g_object_unref(l);
  if (level <= 1) {
    cairo_set_line_width(p->cr, 1);
    cairo_move_to(p->cr, MARGIN, p->y + 2);
    cairo_line_to(p->cr, PAGE_W - MARGIN, p->y + 2);
    cairo_stroke(p->cr);
  }
  cairo_set_source_rgb(p->cr, 0, 0, 0);
  p->y += level <= 1 ? 8 : 3;
}

static void paragraph(cli_pdf *p, const char *text, double size, int italic, double grey)
{
  PangoLayout *l = layout_make(p, text, size, 0, italic, BODY_W);
  cairo_set_source_rgb(p->cr, grey, grey, grey);
  flow(p, l, MARGIN);
  cairo_set_source_rgb(p->cr, 0, 0, 0);
  g_object_unref(l);
  p->y += size * 0.5;
}

void cli_pdf_paragraph(cli_pdf *p, const char *text)
{
  paragraph(p, text, TEXT_SIZE, 0, 0);
}

void cli_pdf_note(cli_pdf *p, const char *text)
{
  paragraph(p, text, 8.5, 1, 0.35);
}

void cli_pdf_field(cli_pdf *p, const char *label, const char *value)
{
  PangoLayout *k = layout_make(p, label, TEXT_SIZE, 1, 0, 0);
  int kw, kh;
  pango_layout_get_pixel_size(k, &kw, &kh);
  double indent = kw + 6 < BODY_W / 3 ? 130 : BODY_W / 3;
  PangoLayout *v = layout_make(p, value, TEXT_SIZE, 0, 0, BODY_W - indent);
  ensure(p, kh);
  double y = p->y;
  cairo_move_to(p->cr, MARGIN, y);
  pango_cairo_show_layout(p->cr, k);
  p->drawn = 1;
  flow(p, v, MARGIN + indent);
  g_object_unref(k);
  g_object_unref(v);
  p->y += 2;
}

double cli_pdf_text(cli_pdf *p, double x, double y, double width, const char *text, double size, int bold, int align)
{
  PangoLayout *l = layout_make(p, text, size, bold, 0, 0);
  pango_layout_set_single_paragraph_mode(l, TRUE);
  if (width > 0) {
    pango_layout_set_width(l, (int)(width * PANGO_SCALE));
    pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
    pango_layout_set_alignment(l, align < 0 ? PANGO_ALIGN_LEFT : align > 0 ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_CENTER);
  }
  cairo_move_to(p->cr, x, y);
  pango_cairo_show_layout(p->cr, l);
  double h = layout_height(l);
  g_object_unref(l);
  p->drawn = 1;
  return h;
}

double cli_pdf_text_width(cli_pdf *p, const char *text, double size, int bold)
{
  PangoLayout *l = layout_make(p, text, size, bold, 0, 0);
  int w, h;
  pango_layout_get_size(l, &w, &h);
  g_object_unref(l);
  return (double)w / PANGO_SCALE;
}

cairo_t *cli_pdf_reserve(cli_pdf *p, double height, double *x, double *y, double *width)
{
  ensure(p, height);
  *x = MARGIN;
  *y = p->y;
  *width = BODY_W;
  p->drawn = 1;
  return p->cr;
}

void cli_pdf_advance(cli_pdf *p, double height)
{
  p->y += height;
}

void cli_pdf_figures(cli_pdf *p, const char *const *values, const char *const *labels, size_t n)
{
  const double gap = 8, pad = 8;
  for (size_t first = 0; first < n; first += 4) {
    size_t k = n - first < 4 ? n - first : 4;
    double w = (BODY_W - gap * (double)(k - 1)) / (double)k, h = 0;
    for (size_t i = 0; i < k; i++) {
      PangoLayout *l = layout_make(p, labels[first + i], 8.5, 0, 0, w - 2 * pad);
      double lh = layout_height(l);
      g_object_unref(l);
      if (lh > h) h = lh;
    }
    h += 2 * pad + 24;
    ensure(p, h);
    for (size_t i = 0; i < k; i++) {
      double x = MARGIN + (double)i * (w + gap);
      cairo_set_source_rgb(p->cr, 0.94, 0.95, 0.98);
      cairo_rectangle(p->cr, x, p->y, w, h);
      cairo_fill_preserve(p->cr);
      cairo_set_source_rgb(p->cr, 0.10, 0.18, 0.36);
      cairo_set_line_width(p->cr, 0.8);
      cairo_stroke(p->cr);
      cli_pdf_text(p, x + pad, p->y + pad, w - 2 * pad, values[first + i], 17, 1, -1);
      PangoLayout *l = layout_make(p, labels[first + i], 8.5, 0, 0, w - 2 * pad);
      cairo_set_source_rgb(p->cr, 0.2, 0.2, 0.2);
      cairo_move_to(p->cr, x + pad, p->y + pad + 24);
      pango_cairo_show_layout(p->cr, l);
      g_object_unref(l);
    }
    cairo_set_source_rgb(p->cr, 0, 0, 0);
    p->y += h + gap;
  }
}

/* One row of a table; heads in bold on a shaded band. */
static double table_row(cli_pdf *p, const cli_pdf_table *t, const double *xs, const char *const *cells, int head,
                        int shade, int draw)
{
  double h = 0;
  PangoLayout *ls[16];
  size_t cols = t->cols < 16 ? t->cols : 16;
  for (size_t i = 0; i < cols; i++) {
    ls[i] = layout_make(p, cells[i], 8.5, head, 0, xs[i + 1] - xs[i] - 2 * CELL_PAD);
    pango_layout_set_height(ls[i], -3); /* at most three lines, then "…" */
    pango_layout_set_ellipsize(ls[i], PANGO_ELLIPSIZE_END);
    if (t->right && t->right[i]) pango_layout_set_alignment(ls[i], PANGO_ALIGN_RIGHT);
    double lh = layout_height(ls[i]);
    if (lh > h) h = lh;
  }
  h += 2 * CELL_PAD;
  if (draw) {
    if (head || shade) {
      double g = head ? 0.86 : 0.96;
      cairo_set_source_rgb(p->cr, g, g, head ? 0.92 : g);
      cairo_rectangle(p->cr, xs[0], p->y, xs[cols] - xs[0], h);
      cairo_fill(p->cr);
    }
    cairo_set_source_rgb(p->cr, 0, 0, 0);
    for (size_t i = 0; i < cols; i++) {
      cairo_move_to(p->cr, xs[i] + CELL_PAD, p->y + CELL_PAD);
      pango_cairo_show_layout(p->cr, ls[i]);
    }
    cairo_set_source_rgb(p->cr, 0.7, 0.7, 0.7);
    cairo_set_line_width(p->cr, 0.4);
    cairo_move_to(p->cr, xs[0], p->y + h);
    cairo_line_to(p->cr, xs[cols], p->y + h);
    cairo_stroke(p->cr);
    cairo_set_source_rgb(p->cr, 0, 0, 0);
    p->y += h;
    p->drawn = 1;
  }
  for (size_t i = 0; i < cols; i++) g_object_unref(ls[i]);
  return h;
}

void cli_pdf_table_draw(cli_pdf *p, const cli_pdf_table *t, const char *const *cells, size_t rows)
{
  if (!t->cols || t->cols > 16) return;
  double xs[17], sum = 0;
  for (size_t i = 0; i < t->cols; i++) sum += t->widths ? t->widths[i] : 1;
  xs[0] = MARGIN;
  for (size_t i = 0; i < t->cols; i++) xs[i + 1] = xs[i] + BODY_W * (t->widths ? t->widths[i] : 1) / sum;
  double head_h = table_row(p, t, xs, t->heads, 1, 0, 0);
  double first_h = rows ? table_row(p, t, xs, cells, 0, 0, 0) : 0;
  ensure(p, head_h + first_h);
  table_row(p, t, xs, t->heads, 1, 0, 1);
  const char *row[16];
  for (size_t r = 0; r < rows; r++) {
    for (size_t i = 0; i < t->cols; i++) row[i] = cells[r * t->cols + i] ? cells[r * t->cols + i] : "";
    double h = table_row(p, t, xs, row, 0, 0, 0);
    if (p->y + h > BODY_BOTTOM) {
      cli_pdf_new_page(p);
      table_row(p, t, xs, t->heads, 1, 0, 1);
    }
    table_row(p, t, xs, row, 0, (int)(r % 2), 1);
  }
  p->y += 8;
}

static cairo_status_t write_discard(void *closure, const unsigned char *data, unsigned int len)
{
  (void)closure;
  (void)data;
  (void)len;
  return CAIRO_STATUS_SUCCESS;
}

static cairo_status_t write_file(void *closure, const unsigned char *data, unsigned int len)
{
  return fwrite(data, 1, len, closure) == len ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

static int render_pass(FILE *out, const char *footer, const char *title, cli_pdf_draw_fn draw, void *arg, int total,
                       int *pages)
{
  cli_pdf p = {.footer = footer ? footer : "", .total = total, .page = 1, .y = BODY_TOP};
  p.surface = cairo_pdf_surface_create_for_stream(out ? write_file : write_discard, out, PAGE_W, PAGE_H);
  cairo_pdf_surface_set_metadata(p.surface, CAIRO_PDF_METADATA_TITLE, title ? title : "");
  cairo_pdf_surface_set_metadata(p.surface, CAIRO_PDF_METADATA_CREATOR, "Reflect");
  p.cr = cairo_create(p.surface);
  p.ctx = pango_cairo_create_context(p.cr);
  /* Cairo's PDF unit is the point; pango's default 96 dpi would print
   * every size a third larger than asked. */
  pango_cairo_context_set_resolution(p.ctx, 72);
  int bad = cairo_status(p.cr) != CAIRO_STATUS_SUCCESS;
  if (!bad) {
    draw(&p, arg);
    footer_draw(&p);
    bad = cairo_status(p.cr) != CAIRO_STATUS_SUCCESS;
  }
  *pages = p.page;
  g_object_unref(p.ctx);
  cairo_destroy(p.cr);
  cairo_surface_finish(p.surface);
  bad |= cairo_surface_status(p.surface) != CAIRO_STATUS_SUCCESS;
  cairo_surface_destroy(p.surface);
  return bad ? -1 : 0;
}

int cli_pdf_render(FILE *out, const char *footer, const char *title, cli_pdf_draw_fn draw, void *arg)
{
  int pages = 0, again = 0;
  int bad = render_pass(NULL, footer, title, draw, arg, 0, &pages) ||
            render_pass(out, footer, title, draw, arg, pages, &again) || again != pages || fflush(out) != 0;
  /* The font map and cairo's caches live for the process otherwise; a
   * one-shot CLI lets them go here so a leak check sees only real leaks. */
  pango_cairo_font_map_set_default(NULL);
  cairo_debug_reset_static_data();
  FcFini();
  return bad ? -1 : 0;
}
