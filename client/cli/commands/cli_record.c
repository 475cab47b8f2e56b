/* Fetching one revision of a session's record: what `record show`,
 * `record diff` (cli_records.c) and `record write` (cli_record_write.c)
 * share, below both. */
#include "cli.h"
#include "cli_records.h"
#include "reflect/client_call.h"
#include "wire.h"

/* One RecordShow request; its reply into *out (the caller's). */
int cli_record_show_call(cli_ctx *ctx, const Reflect__V1__RecordShowRequest *show, int missing_ok,
                         Reflect__V1__Reply **out)
{
  *out = NULL;
  int rc = cli_call_connect(ctx);
  if (rc) return rc;
  Reflect__V1__Reply *rep = NULL;
  int crc = client_call_record_show(ctx->cl, show, &rep, NULL);
  if (missing_ok && crc == CLIENT_OK && rep->status && rep->status->code == REFLECT__V1__CODE__NOT_FOUND) {
    wire_free_reply(rep);
    return CLI_EXIT_OK;
  }
  rc = cli_call_check_reply(ctx, crc, &rep, REFLECT__V1__REPLY__RESULT_RECORD_SHOW);
  if (!rc && !rep->record_show->revision) {
    wire_free_reply(rep);
    return CLI_EXIT_UNREACHABLE;
  }
  *out = rep;
  return rc;
}

int cli_record_fetch(cli_ctx *ctx, uint64_t session, uint32_t revision, int missing_ok, Reflect__V1__Reply **out)
{
  Reflect__V1__RecordShowRequest show = REFLECT__V1__RECORD_SHOW_REQUEST__INIT;
  show.session_id = session;
  show.revision = revision;
  return cli_record_show_call(ctx, &show, missing_ok, out);
}
