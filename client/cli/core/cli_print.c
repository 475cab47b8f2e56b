/* What most commands print: a list (a table, or a JSON array) or the id
 * of what they made. See cli_out.h. */
#include <inttypes.h>
#include <stdio.h>

#include "cli_json.h"
#include "cli_out.h"

int cli_print_id(const cli_ctx *ctx, uint64_t id)
{
  if (ctx->json) {
    cJSON *o = cJSON_CreateObject();
    cli_json_add_u64(o, "id", id);
    return cli_json_print(o);
  }
  printf("%" PRIu64 "\n", id);
  return CLI_EXIT_OK;
}

int cli_print_list(const cli_ctx *ctx, const cli_list_format *f, const void *list, size_t n)
{
  if (ctx->json) {
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; i < n; i++) cJSON_AddItemToArray(arr, f->json(list, i));
    return cli_json_print(arr);
  }
  cli_table t;
  cli_table_init(&t, f->ncols, f->heads);
  for (size_t i = 0; i < n; i++) f->row(ctx, list, i, &t);
  cli_table_print(&t, stdout);
  cli_table_free(&t);
  return CLI_EXIT_OK;
}
