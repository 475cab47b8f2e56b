#include "assets.h"

#include <string.h>

const web_asset *assets_find(const char *name)
{
  for (const web_asset *a = web_assets; a->name; a++)
    if (strcmp(a->name, name) == 0) return a;
  return NULL;
}
