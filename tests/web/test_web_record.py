"""The supervision cycle in a real Chromium, from a booked session to a
record both people have signed: the supervisor writes the record through
the form (the case offered from the agenda, not typed), signs it; the
practitioner reads it and signs it using the keyboard only; a disagreement
is added; an amendment with a reason is signed again, by a practitioner
whose browser runs no JavaScript. Text that looks like markup stays text.
Every page passes axe-core at WCAG 2.2 AA.

  /usr/bin/python3 test_web_record.py BUILD_DIR
"""
import datetime
import time

from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

import webharness as wh

HOSTILE_WELLBEING = "Tired this week.\n<script>alert('wellbeing')</script>"
HOSTILE_SITUATION = '"><img src=x onerror=alert(1)> moved to foster care'
HOSTILE_DECISION = "javascript:alert(2) Keep the plan; review in 4 weeks"


class WebRecord(wh.Journey):
    @classmethod
    def arrange(cls, s):
        s.person("sam", "Sam Supervisor", "supervisor")
        s.person("pat", "Pat Practitioner", "practitioner")
        s.agreement("sam", "pat")
        s.cli_ok("cli-sam", "case", "add", "--ref", "CH-101", "--name", "Jamie Fictional", "--risk", "high",
                 "--worker", "pat")
        # Held yesterday: a record is written after the session.
        when = (datetime.datetime.now() - datetime.timedelta(days=1)).strftime("%Y-%m-%d 10:00")
        out = s.cli_ok("cli-sam", "session", "add", "--with", "pat", "--at", when, "--minutes", "60")
        cls.session = out.strip().split()[-1]

    def no_script_ran(self, d):
        try:
            d.switch_to.alert
            self.fail("a script in the record ran")
        except NoAlertPresentException:
            pass
        self.assertEqual(d.find_elements(By.CSS_SELECTOR, "main img"), [], "no element was made from the text")

    def test_a_long_thread_of_comments_is_read_page_by_page(self):
        s = self.stack
        when = (datetime.datetime.now() - datetime.timedelta(days=1)).strftime("%Y-%m-%d 15:00")
        sid = s.cli_ok("cli-sam", "session", "add", "--with", "pat", "--at", when, "--minutes", "30").strip().split()[-1]
        s.cli_ok("cli-sam", "record", "write", sid, "--file", "-", stdin="[notes]\nA short session.\n")
        for i in range(50):  # the most notes one person may add to a record
            s.cli_ok("cli-sam", "record", "comment", sid, "--text", f"Note number {i + 1}")
        s.cli_ok("cli-pat", "record", "comment", sid, "--text", "The fifty-first note, from Pat")
        pat = wh.browser()
        try:
            self.login(pat, "pat")
            self.go(pat, f"/sessions/{sid}/record")
            notes = pat.find_elements(By.CSS_SELECTOR, "#comments ~ .govuk-inset-text")
            self.assertEqual(len(notes), 50, "one page of comments")
            self.assertIn("Note number 1", notes[0].text)
            self.assertNotIn("fifty-first", pat.page_source)
            pat.find_element(By.LINK_TEXT, "Show the next comments").click()
            self.assertIn("The fifty-first note, from Pat", pat.find_element(By.TAG_NAME, "main").text)
            self.assertEqual(len(pat.find_elements(By.CSS_SELECTOR, "#comments ~ .govuk-inset-text")), 1)
            self.assertEqual(pat.find_elements(By.LINK_TEXT, "Show the next comments"), [])
            self.check(pat)
            pat.find_element(By.LINK_TEXT, "Back to the first comments").click()
            self.assertIn("Note number 1", pat.find_element(By.TAG_NAME, "main").text)
        finally:
            pat.quit()

    def test_the_whole_cycle_from_booking_to_both_signatures(self):
        rec = f"/sessions/{self.session}/record"
        sam = wh.browser()
        pat = wh.browser()
        nojs = wh.browser(javascript=False)
        try:
            self.login(sam, "sam")
            self.go(sam, f"/sessions/{self.session}")
            sam.find_element(By.LINK_TEXT, "Write the record").click()
            self.assertTrue(sam.current_url.endswith(rec + "/edit"), sam.current_url)
            self.check(sam)
            self.assertIn("Case CH-101: Jamie Fictional", sam.page_source, "the case is offered from the agenda")
            # Nothing written: refused, nothing saved.
            wh.submit(sam, rec + "/edit")
            self.assertIn("Write at least one section", sam.page_source)
            self.check(sam)

            sam.find_element(By.ID, "wellbeing").send_keys(HOSTILE_WELLBEING)
            sam.find_element(By.ID, "case-0-situation").send_keys(HOSTILE_SITUATION)
            sam.find_element(By.ID, "case-0-analysis").send_keys("Settling well; contact with mum is weekly.")
            sam.find_element(By.ID, "case-0-risk").send_keys("Reduced from high to medium.")
            sam.find_element(By.ID, "case-0-decision").send_keys(HOSTILE_DECISION)
            sam.find_element(By.ID, "case-0-rationale").send_keys("The placement is stable.")
            sam.find_element(By.ID, "actions").send_keys("Pat to update the plan by Friday.")
            wh.submit(sam, rec + "/edit")
            self.assertTrue(sam.current_url.endswith(rec), wh.problem(sam))
            main = sam.find_element(By.TAG_NAME, "main").text
            self.assertIn("<script>alert('wellbeing')</script>", main, "shown as the text it is")
            self.assertIn(HOSTILE_SITUATION, main)
            self.assertIn(HOSTILE_DECISION, main)
            self.assertNotIn("<script>alert", sam.page_source)
            self.no_script_ran(sam)
            self.check(sam)

            # The author signs what they wrote.
            wh.submit(sam, rec + "/sign")
            self.assertIn("Waiting for", sam.page_source)
            self.assertNotIn("Sign revision", sam.page_source)

            # Pat reads it and signs with the keyboard alone.
            self.login(pat, "pat")
            self.go(pat, rec)
            self.assertIn("Tired this week.", pat.find_element(By.TAG_NAME, "main").text)
            self.no_script_ran(pat)
            self.check(pat)
            body = pat.find_element(By.TAG_NAME, "body")
            body.send_keys(Keys.TAB)  # the skip link first
            for _ in range(40):
                focused = pat.switch_to.active_element
                if focused.tag_name == "button" and focused.text == "Sign revision":
                    break
                focused.send_keys(Keys.TAB)
            else:
                self.fail("the Sign revision button cannot be reached with Tab")
            old = pat.find_element(By.TAG_NAME, "html")
            pat.switch_to.active_element.send_keys(Keys.ENTER)
            wh.WebDriverWait(pat, 30).until(lambda d: wh.gone(old))
            self.assertIn("Signed by everyone", pat.page_source)

            # Pat disagrees with a part of it; the disagreement stays on the record.
            pat.find_element(By.CSS_SELECTOR, "input[name=kind][value=disagreement]").click()
            pat.find_element(By.ID, "text").send_keys("The risk is still high while contact is unsupervised.")
            wh.submit(pat, rec + "/comment")
            self.assertIn("Disagreement", pat.page_source)
            self.assertIn("still high while contact is unsupervised", pat.page_source)
            self.check(pat)

            # Sam amends it, with a reason; revision 2 needs both signatures again.
            self.go(sam, rec + "/edit")
            risk = sam.find_element(By.ID, "case-0-risk")
            self.assertEqual(risk.get_attribute("value"), "Reduced from high to medium.", "the form starts from the record")
            risk.clear()
            risk.send_keys("Still high until contact is supervised.")
            sam.find_element(By.ID, "reason").send_keys("Pat's disagreement about the risk")
            self.check(sam)
            wh.submit(sam, rec + "/edit")
            self.assertIn("Revision", sam.page_source)
            self.assertIn("Pat's disagreement about the risk", sam.find_element(By.TAG_NAME, "main").text)
            wh.submit(sam, rec + "/sign")

            # Pat reads and signs revision 2 in a browser without JavaScript.
            self.login(nojs, "pat")
            self.go(nojs, rec)
            self.assertIn("Still high until contact is supervised.", nojs.page_source)
            self.assertNotIn("js-enabled", nojs.find_element(By.TAG_NAME, "body").get_attribute("class") or "")
            wh.submit(nojs, rec + "/sign")
            self.assertIn("Signed by everyone", nojs.page_source)
            self.go(nojs, rec + "/history")
            rows = nojs.find_elements(By.CSS_SELECTOR, "tbody tr")
            self.assertEqual(len(rows), 2)
            self.assertIn("sam, pat", rows[1].text.replace("pat, sam", "sam, pat"))
            # (axe needs JavaScript: the same page is checked in Sam's browser.)
            self.go(sam, rec + "/history")
            self.check(sam)
            # What changed between the two: the risk line, in words and colour.
            sam.find_element(By.CSS_SELECTOR, "a[href$='/record/diff?from=1&to=2']").click()
            self.assertEqual(sam.title, "What changed in the record – Reflect")
            removed = [e.text for e in sam.find_elements(By.CSS_SELECTOR, ".reflect-diff__line--removed")]
            added = [e.text for e in sam.find_elements(By.CSS_SELECTOR, ".reflect-diff__line--added")]
            self.assertEqual(len(removed), 1, removed)
            self.assertEqual(len(added), 1, added)
            self.assertIn("Reduced from high to medium.", removed[0])
            self.assertIn("Still high until contact is supervised.", added[0])
            self.assertIn("Removed:", sam.find_element(By.CSS_SELECTOR, ".reflect-diff__line--removed")
                          .get_attribute("innerHTML"), "said in words, not only in colour")
            self.assertNotIn("<script>alert", sam.page_source)
            self.no_script_ran(sam)
            self.check(sam)
            # A revision that does not exist answers like a missing page.
            self.go(sam, rec + "/diff?from=1&to=9")
            self.assertEqual(sam.title, "Page not found – Reflect")
        finally:
            for d in (sam, pat, nojs):
                d.quit()


if __name__ == "__main__":
    wh.main()
