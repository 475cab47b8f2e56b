/*
 * assets — the stylesheet, scripts and icon reflect-web serves under
 * /assets/, built at build time (GOV.UK Frontend through Sass, our script)
 * and compiled into the binary by tools/embed-assets.py, so nothing is
 * read from disk or fetched from anywhere at run time.
 */
#ifndef REFLECT_WEB_ASSETS_H
#define REFLECT_WEB_ASSETS_H

#include <stddef.h>

typedef struct {
  const char *name; /* under /assets/ */
  const char *content_type;
  const unsigned char *bytes;
  size_t len;
} web_asset;

/* The generated table, ended by a row with name NULL. */
extern const web_asset web_assets[];

/* The asset called name, or NULL. */
const web_asset *assets_find(const char *name);

#endif
