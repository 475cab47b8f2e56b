"""Everything waiting for a person, in a real Chromium: the supervisor is
asked to mark a session that has passed and does it from the home page;
the practitioner finds an overdue action, a record to sign, the survey and
a target to agree in one list, most urgent first, and clears each from its
link until nothing is waiting. Every page passes axe-core at WCAG 2.2 AA.

  /usr/bin/python3 test_web_inbox.py BUILD_DIR
"""
import datetime

from selenium.webdriver.common.by import By

import webharness as wh


class WebInbox(wh.Journey):
    @classmethod
    def arrange(cls, s):
        s.person("mona", "Mona Manager", "manager")
        s.person("sam", "Sam Supervisor", "supervisor")
        s.person("pat", "Pat Practitioner", "practitioner")
        s.agreement("sam", "pat")
        when = (datetime.datetime.now() - datetime.timedelta(days=2)).strftime("%Y-%m-%d 10:00")
        cls.session = s.cli_ok("cli-sam", "session", "add", "--with", "pat", "--at", when, "--minutes",
                               "60").strip().split()[-1]

    def waiting(self, d):
        self.go(d, "/")
        return [e.text for e in d.find_elements(By.CSS_SELECTOR, ".reflect-inbox li")]

    def follow(self, d, text):
        old = d.find_element(By.TAG_NAME, "html")
        d.find_element(By.PARTIAL_LINK_TEXT, text).click()
        wh.WebDriverWait(d, 30).until(lambda x: wh.gone(old))

    def test_each_person_clears_what_waits_for_them(self):
        sam, pat = wh.browser(), wh.browser()
        try:
            # Sam: the session has passed; say whether it was held.
            self.login(sam, "sam")
            items = self.waiting(sam)
            self.assertEqual(len(items), 1, items)
            self.assertIn("Say whether your session with pat on", items[0])
            self.check(sam)
            self.follow(sam, "Say whether your session")
            self.assertTrue(sam.current_url.endswith(f"/sessions/{self.session}"), sam.current_url)
            sam.find_element(By.CSS_SELECTOR, "input[name=status][value=held]").click()
            wh.submit(sam, f"/sessions/{self.session}/status")
            self.assertEqual(self.waiting(sam), [])
            self.assertIn("Nothing is waiting for you.", sam.page_source)

            # What then waits for Pat: a record, an overdue action, a target.
            self.stack.cli_ok("cli-sam", "record", "write", self.session, "--file", "-",
                              stdin="[notes]\nWe talked about the week and the Fictional family.\n")
            yesterday = (datetime.date.today() - datetime.timedelta(days=1)).isoformat()
            self.stack.cli_ok("cli-sam", "action", "add", self.session, "--owner", "pat", "--due", yesterday,
                              "--description", "Send the updated plan to the family")
            self.stack.cli_ok("cli-mona", "kpi", "goal", "add", "Timely planning")
            self.stack.cli_ok("cli-mona", "kpi", "define", "--name", "Plans within 28 days", "--definition",
                              "Share of plans on time", "--measured", "Monthly extract", "--unit", "%", "--min", "0",
                              "--max", "100", "--direction", "higher", "--period", "month", "--goal", "1")
            self.stack.cli_ok("cli-sam", "kpi", "assign", "1", "--practitioner", "pat", "--baseline", "70",
                              "--target", "90")

            self.login(pat, "pat")
            items = self.waiting(pat)
            self.assertEqual(len(items), 4, items)
            self.assertIn("An action of yours is due", items[0])
            self.assertIn("Overdue", items[0], "the overdue action first")
            self.assertIn("Read and sign the record of supervision with sam", items[1])
            self.assertIn("Answer five questions about your supervision", items[2])
            self.assertIn("Agree a target set for you", items[3])
            self.assertNotIn("Fictional family", pat.find_element(By.TAG_NAME, "main").text,
                             "the list says what to do, never what was said")
            self.check(pat)

            # The action, closed with its evidence.
            self.follow(pat, "An action of yours is due")
            self.check(pat)
            pat.find_element(By.ID, "evidence").send_keys("Sent on Tuesday; the family confirmed")
            wh.submit(pat, pat.current_url.replace(self.stack.base, "") + "/close")
            self.assertEqual(len(self.waiting(pat)), 3)

            # The record, read and signed.
            self.follow(pat, "Read and sign the record")
            self.assertIn("the Fictional family", pat.find_element(By.TAG_NAME, "main").text)
            wh.submit(pat, f"/sessions/{self.session}/record/sign")
            self.assertIn("Signed by", pat.page_source)
            self.assertEqual(len(self.waiting(pat)), 2)

            # The survey: a missing answer is said beside its question, then sent.
            self.follow(pat, "Answer five questions")
            self.assertEqual(pat.title, "How was your supervision? – Reflect")
            self.check(pat)
            for q in range(1, 5):
                pat.find_element(By.CSS_SELECTOR, f"input[name=q{q}][value='4']").click()
            wh.submit(pat, f"/sessions/{self.session}/survey")
            self.assertEqual(pat.title, "Error: How was your supervision? – Reflect")
            self.assertEqual(pat.find_element(By.CSS_SELECTOR, ".govuk-error-summary__list a").get_attribute("href"),
                             self.stack.base + f"/sessions/{self.session}/survey#q5")
            self.check(pat)
            self.assertTrue(pat.find_element(By.CSS_SELECTOR, "input[name=q1][value='4']").is_selected(),
                            "what was chosen is kept")
            pat.find_element(By.CSS_SELECTOR, "input[name=q5][value='5']").click()
            wh.submit(pat, f"/sessions/{self.session}/survey")
            self.assertEqual(len(self.waiting(pat)), 1)

            # The target, read and agreed.
            self.follow(pat, "Agree a target set for you")
            self.assertIn("Plans within 28 days", pat.find_element(By.TAG_NAME, "main").text)
            self.check(pat)
            wh.submit(pat, pat.current_url.replace(self.stack.base, "").split("?")[0] + "/agree")
            self.assertEqual(self.waiting(pat), [])
            self.assertIn("Nothing is waiting for you.", pat.page_source)
            self.assertEqual(self.stack.cli_ok("cli-pat", "inbox"), "Nothing is waiting for you.\n",
                             "the CLI's inbox agrees")
        finally:
            sam.quit()
            pat.quit()


if __name__ == "__main__":
    wh.main()
