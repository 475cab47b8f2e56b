#include "reflect/client_call.h"

int client_reply_code(const Reflect__V1__Reply *rep)
{
  return rep && rep->status ? (int)rep->status->code : 0;
}

const char *client_reply_message(const Reflect__V1__Reply *rep)
{
  return rep && rep->status && rep->status->message ? rep->status->message : "";
}

const char *client_reply_field(const Reflect__V1__Reply *rep)
{
  return rep && rep->status && rep->status->field ? rep->status->field : "";
}
