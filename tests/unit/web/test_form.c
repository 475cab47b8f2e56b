/* form: url-encoded bodies decode as browsers encode them (+, %XX, CRLF
 * line breaks made LF), malformed escapes, NUL and bad UTF-8 are refused,
 * the field count is bounded, and encoding gives back what was parsed. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "form.h"

Test(form, decodes_fields_in_order_with_repeats)
{
  form f;
  const char *body = "csrf=abc&name=Pat+Shaw&note=line+one%0D%0Aline+two&present=a&present=b&flag&&empty=";
  cr_assert_eq(form_parse(body, strlen(body), 16, &f), FORM_OK);
  cr_assert_str_eq(form_get(&f, "name"), "Pat Shaw");
  cr_assert_str_eq(form_get(&f, "note"), "line one\nline two", "CRLF becomes LF");
  cr_assert_eq(form_count(&f, "present"), 2);
  cr_assert_str_eq(form_nth(&f, "present", 1), "b");
  cr_assert_str_eq(form_get(&f, "flag"), "");
  cr_assert_str_eq(form_get(&f, "empty"), "");
  cr_assert_null(form_get(&f, "absent"));
  char *again = form_encode(&f, "csrf");
  cr_assert_str_eq(again, "name=Pat+Shaw&note=line+one%0Aline+two&present=a&present=b&flag=&empty=");
  free(again);
  form_free(&f);
}

Test(form, refuses_what_is_not_text)
{
  form f;
  const char *bad[] = {"a=%zz", "a=%4", "a=%00", "a=%ff", "a=%c0%af", "%00=x", "a=%ed%a0%80"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    cr_assert_eq(form_parse(bad[i], strlen(bad[i]), 16, &f), FORM_EBAD, "%s", bad[i]);
  cr_assert_eq(form_parse("a=1&b=2&c=3", 11, 2, &f), FORM_ETOOMANY);
  cr_assert_eq(form_parse("", 0, 2, &f), FORM_OK);
  cr_assert_eq(f.n, 0);
  form_free(&f);
}
