#include "reflect/client_call.h"

#include "wire.h"

/* A Request's oneof member is a plain pointer, but protobuf-c only reads
 * it when packing, so the caller's const input is safe to hand over. */
#define CLIENT_CALL_DEFINE(name, OP, Req, Res)                                              \
  int client_call_##name(client *c, const Reflect__V1__##Req *in, Reflect__V1__Reply **rep, \
                         Reflect__V1__##Res **result)                                       \
  {                                                                                         \
    Reflect__V1__Request req = REFLECT__V1__REQUEST__INIT;                                  \
    req.op_case = REFLECT__V1__REQUEST__OP_##OP;                                            \
    req.name = (Reflect__V1__##Req *)in;                                                    \
    if (result) *result = NULL;                                                             \
    int rc = client_call(c, &req, rep);                                                     \
    if (rc) return rc;                                                                      \
    if (client_reply_code(*rep) != 0) return CLIENT_OK;                                     \
    if ((*rep)->result_case != REFLECT__V1__REPLY__RESULT_##OP || !(*rep)->name) {          \
      wire_free_reply(*rep);                                                                \
      *rep = NULL;                                                                          \
      return CLIENT_EPROTO;                                                                 \
    }                                                                                       \
    if (result) *result = (*rep)->name;                                                     \
    return CLIENT_OK;                                                                       \
  }
CLIENT_CALLS(CLIENT_CALL_DEFINE)
#undef CLIENT_CALL_DEFINE
