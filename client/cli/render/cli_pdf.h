/*
 * cli_pdf — a small document layer over cairo and pango for the reports the
 * CLI prints to paper: A4 pages, headings, paragraphs that break across
 * pages, tables that break across pages (repeating their header), a box of
 * headline figures, and a footer "PREFIX — page N of M" on every page.
 * Charts (cli_chart.h) draw through the same page model.
 *
 * Contract:
 *  - cli_pdf_render calls `draw` twice: once to count the pages (output
 *    discarded), once to write the PDF to `out` with the total known. draw
 *    must therefore draw the same thing both times.
 *  - All text is set with pango_layout_set_text, never as markup, so no
 *    user text is ever interpreted. Text is UTF-8; the caller has it from
 *    the wire, which assures that.
 *  - The cli_pdf is owned by cli_pdf_render; draw functions only borrow
 *    it and the strings they are given. Drawing never fails on its own: an
 *    error (cairo or pango) is remembered and cli_pdf_render returns -1.
 *  - out is the caller's: opened before and closed after.
 */
#ifndef REFLECT_CLI_PDF_H
#define REFLECT_CLI_PDF_H

#include <stddef.h>
#include <stdio.h>

#include <cairo.h>

typedef struct cli_pdf cli_pdf;
typedef void (*cli_pdf_draw_fn)(cli_pdf *p, void *arg);

/* 0, or -1 if the PDF could not be made or written. */
int cli_pdf_render(FILE *out, const char *footer, const char *title, cli_pdf_draw_fn draw, void *arg);

/* level 1: a section (ruled), 2: a subsection, 3: a label within one. A
 * heading never sits alone at the foot of a page: it moves to the next
 * unless room for some of what follows remains. */
void cli_pdf_heading(cli_pdf *p, int level, const char *text);
void cli_pdf_paragraph(cli_pdf *p, const char *text);
/* The same, in a smaller grey italic: explanations under a chart or table. */
void cli_pdf_note(cli_pdf *p, const char *text);
/* A "label: value" line with the label in bold. */
void cli_pdf_field(cli_pdf *p, const char *label, const char *value);
void cli_pdf_space(cli_pdf *p, double points);
void cli_pdf_new_page(cli_pdf *p);

/* A box of n headline figures side by side (at most 4 per row): each a
 * large value over a small label. */
void cli_pdf_figures(cli_pdf *p, const char *const *values, const char *const *labels, size_t n);

/* A table: cols columns of relative widths (summing to anything > 0),
 * right-aligned where right[i]; rows are row-major cells (NULL is "").
 * The header repeats on each page the table reaches; a cell shows at most
 * three lines. */
typedef struct {
  size_t cols;
  const char *const *heads;
  const double *widths;
  const int *right;
} cli_pdf_table;
void cli_pdf_table_draw(cli_pdf *p, const cli_pdf_table *t, const char *const *cells, size_t rows);

/* For charts: the drawing area. cli_pdf_reserve makes sure height points
 * remain on the page (breaking it if not) and gives the cairo context and
 * the top-left of the reserved block; cli_pdf_advance moves past it. */
cairo_t *cli_pdf_reserve(cli_pdf *p, double height, double *x, double *y, double *width);
void cli_pdf_advance(cli_pdf *p, double height);
/* Draws one line of text at (x, y) (top-left) in the given size, cut with
 * "…" to width (<= 0: unbounded); align -1 left, 0 centre, 1 right.
 * Returns its height. */
double cli_pdf_text(cli_pdf *p, double x, double y, double width, const char *text, double size, int bold, int align);
/* The text's width in points at that size (one line). */
double cli_pdf_text_width(cli_pdf *p, const char *text, double size, int bold);

#endif
