/* html: values never become markup. Every character that could open a
 * tag or leave an attribute is escaped, invalid UTF-8 and control
 * characters are replaced, numbers and URL parts are written as such, and
 * a page that would pass its bound fails whole rather than arriving cut. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"

static char *render(void (*fn)(html *, const char *), const char *value, size_t max)
{
  html h;
  html_init(&h, max);
  fn(&h, value);
  size_t n;
  char *out = html_take(&h, &n);
  html_free(&h);
  if (!out) return NULL;
  char *z = malloc(n + 1);
  memcpy(z, out, n);
  z[n] = '\0';
  free(out);
  return z;
}

Test(html, markup_characters_are_escaped)
{
  char *s = render(html_txt, "<script>alert('x')</script> & \"q\"", 1024);
  cr_assert_str_eq(s, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;");
  free(s);
  s = render(html_attr, "\"><img src=x onerror=alert(1)>", 1024);
  cr_assert_str_eq(s, "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;");
  free(s);
}

Test(html, invalid_utf8_and_controls_become_the_replacement_character)
{
  char *s = render(html_txt,
                   "a\x01"
                   "b\xff"
                   "c\xc0\xaf"
                   "d\xc2\x9b"
                   "e\ttab\nline\r\n",
                   1024);
  cr_assert_str_eq(s, "a\xEF\xBF\xBD"
                      "b\xEF\xBF\xBD"
                      "c\xEF\xBF\xBD\xEF\xBF\xBD"
                      "d\xEF\xBF\xBD"
                      "e\ttab\nline\n");
  free(s);
  s = render(html_txt, "caf\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x98\x80", 1024);
  cr_assert_str_eq(s, "caf\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x98\x80", "valid UTF-8 passes as it is");
  free(s);
}

Test(html, url_parts_are_percent_encoded)
{
  char *s = render(html_url, "/sessions/1?x=\"a b\"&y=<", 1024);
  cr_assert_str_eq(s, "%2Fsessions%2F1%3Fx%3D%22a%20b%22%26y%3D%3C");
  free(s);
}

Test(html, a_page_past_its_bound_fails_whole)
{
  html h;
  html_init(&h, 16);
  html_lit(&h, "<p>");
  html_txt(&h, "0123456789");
  cr_assert_not(html_failed(&h));
  html_txt(&h, "0123456789");
  cr_assert(html_failed(&h));
  html_lit(&h, "</p>");
  size_t n;
  cr_assert_null(html_take(&h, &n), "nothing is sent cut short");
  html_free(&h);
}

Test(html, numbers)
{
  html h;
  html_init(&h, 64);
  html_int(&h, -42);
  html_lit(&h, " ");
  html_uint(&h, 18446744073709551615ULL);
  size_t n;
  char *out = html_take(&h, &n);
  cr_assert_eq(n, strlen("-42 18446744073709551615"));
  cr_assert_eq(memcmp(out, "-42 18446744073709551615", n), 0);
  free(out);
  html_free(&h);
}
