/* What an endpoint may look like, for the config file and for a socket.
 * See client.h. */
#include "client_internal.h"

#include <string.h>

int client_endpoint_valid(const char *ep, size_t max)
{
  if (!ep) return 0;
  size_t n = strlen(ep);
  if (n >= max || n <= 6) return 0;
  if (strncmp(ep, "tcp://", 6) != 0 && strncmp(ep, "ipc://", 6) != 0) return 0;
  /* Printable ASCII without spaces: it goes into a line-based file. */
  for (size_t i = 0; i < n; i++)
    if (ep[i] <= ' ' || ep[i] > '~') return 0;
  return 1;
}
