"""Nothing typed is lost, in a real Chromium: with JavaScript the record
form is kept as a draft while it is typed, and a new browser finds it
again (and can discard it); without JavaScript, a login that lapses while
the record is being written sends the person to log in and back to the
form with everything they had typed, which then saves. The server's login
lapses after one idle minute here, so the second test waits for it.

  /usr/bin/python3 test_web_drafts.py BUILD_DIR
"""
import datetime
import time

from selenium.webdriver.common.by import By

import webharness as wh


class WebDrafts(wh.Journey):
    server_conf = "[security]\ntoken_idle_minutes = 1\n"

    @classmethod
    def arrange(cls, s):
        s.person("sam", "Sam Supervisor", "supervisor")
        s.person("pat", "Pat Practitioner", "practitioner")
        s.agreement("sam", "pat")
        cls.sessions = []
        for days in (1, 2):
            when = (datetime.datetime.now() - datetime.timedelta(days=days)).strftime("%Y-%m-%d 09:00")
            cls.sessions.append(s.cli_ok("cli-sam", "session", "add", "--with", "pat", "--at", when, "--minutes",
                                         "60").strip().split()[-1])

    def test_a_draft_is_kept_as_it_is_typed_and_found_again_in_another_browser(self):
        edit = f"/sessions/{self.sessions[0]}/record/edit"
        words = "A long week: three visits, one of them hard.\nNeed time to think about it."
        first = wh.browser()
        try:
            self.login(first, "sam")
            self.go(first, edit)
            first.find_element(By.ID, "wellbeing").send_keys(words)
            wh.WebDriverWait(first, 15, poll_frequency=0.2).until(
                lambda d: "Draft kept" in d.find_element(By.ID, "draft-status").text)
        finally:
            first.quit()  # closed without saving
        second = wh.browser()
        try:
            self.login(second, "sam")
            self.go(second, edit)
            self.assertIn("What you were writing has been kept", second.page_source)
            self.assertEqual(second.find_element(By.ID, "wellbeing").get_attribute("value"), words)
            self.check(second)
            self.assertIn("record", self.stack.cli_ok("cli-sam", "draft", "list"), "the CLI sees it too")
            wh.submit(second, edit.replace("/edit", "/draft/discard"))
            self.assertNotIn("has been kept", second.page_source)
            self.assertEqual(second.find_element(By.ID, "wellbeing").get_attribute("value"), "")
        finally:
            second.quit()

    def test_a_login_that_lapses_mid_record_loses_nothing(self):
        edit = f"/sessions/{self.sessions[1]}/record/edit"
        words = "Pat is doing well; we talked about the court report."
        d = wh.browser(javascript=False)
        try:
            self.login(d, "sam")
            self.go(d, edit)
            d.find_element(By.ID, "development").send_keys(words)
            time.sleep(75)  # the server's login lapses after a minute idle
            wh.submit(d, edit)
            self.assertIn("/login", d.current_url)
            self.assertIn("You were logged out because Reflect had not been used for a while", d.page_source)
            self.login(d, "sam", lands=None)
            self.assertTrue(d.current_url.endswith(edit), wh.problem(d))
            self.assertIn("What you were writing has been kept", d.page_source)
            self.assertEqual(d.find_element(By.ID, "development").get_attribute("value"), words)
            wh.submit(d, edit)
            self.assertTrue(d.current_url.endswith(edit.replace("/edit", "")), wh.problem(d))
            self.assertIn(words, d.find_element(By.TAG_NAME, "main").text)
            self.go(d, edit)
            self.assertNotIn("has been kept", d.page_source, "the saved record took its draft with it")
        finally:
            d.quit()


if __name__ == "__main__":
    wh.main()
