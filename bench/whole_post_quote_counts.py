"""Issue 28's figures: what the demo thread's Evidence panel and study pages count before and after
Lena quotes the whole of Dr Rivera's answer (#2) through the real Quote link, in Chromium.

Run against a server holding fresh demo data, in a scratch directory:

    export EVIDENT_VAR_DIR=$(mktemp -d)
    python manage.py migrate && python manage.py demo
    python manage.py runserver 127.0.0.1:8731 &
    python bench/whole_post_quote_counts.py http://127.0.0.1:8731

It prints each study's "cited in N posts" and stance groups from the Evidence panel, each study
page's stance tally, what the Quote link put in the composer and how the new post reads.
"""

import os
import sys

from playwright.sync_api import expect, sync_playwright

TOPIC = "Does low-dose naltrexone help fibromyalgia pain?"


def report(page, base, topic_url, label):
    page.goto(topic_url)
    panel = page.locator("section.evidence")
    print(f"== {label}: Evidence panel")
    for item in panel.locator("li.evidence__item").all():
        title = item.locator("a").first.inner_text()[:60]
        meta = item.locator(".evidence__meta").inner_text().split("·")[-1].strip()
        stances = " | ".join(stance.inner_text() for stance in item.locator(".evidence__stance").all())
        print(f"  {title} -- {meta} -- {stances}")
    links = [a.get_attribute("href") for a in panel.locator("li.evidence__item > a").all()]
    print(f"== {label}: study pages (Discussed in)")
    for href in links:
        page.goto(base + href)
        tally = page.locator(".study__stance-tally")
        print(f"  {page.locator('h1').first.inner_text()[:60]} -- "
              f"{tally.inner_text() if tally.count() else '(no tally)'}")


def main(base: str) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
                                             headless=True, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(30_000)
        expect.set_options(timeout=30_000)
        page.goto(f"{base}/accounts/login/")
        page.get_by_label("Username or email").fill("lena")
        page.get_by_label("Password", exact=True).fill("demo-lena-2026")
        page.get_by_role("button", name="Sign in", exact=True).click()
        expect(page.get_by_role("link", name="Notifications")).to_be_visible()
        page.goto(base)
        page.get_by_role("link", name=TOPIC).first.click()
        topic_url = page.url.split("#")[0]

        report(page, base, topic_url, "before lena's reply")
        page.goto(topic_url)
        page.locator("#post-2").get_by_role("link", name="Quote", exact=True).click()
        composer = page.get_by_label("Your reply")
        expect(composer).not_to_have_value("")
        print("== composer after Quote on #2:")
        print(composer.input_value())
        composer.press("End")
        composer.type("Thank you, this is what I needed.")
        page.get_by_role("button", name="Post reply").click()
        expect(page.locator("#post-4")).to_be_visible()
        print("== lena's post #4 as shown:")
        print(page.locator("#post-4 .post__body").inner_text())
        report(page, base, topic_url, "after lena's full-post quote of #2")
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1].rstrip("/"))
