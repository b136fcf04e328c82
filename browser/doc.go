// Package browser holds the real-browser check of the HTML report: a test,
// behind the build tag browser, that loads the report in headless Chromium
// over the DevTools protocol (chromedp) with the network blocked. It is its
// own module so that chromedp never enters the go.mod of the library's
// users; `make browser` installs Chromium, writes the sandbox's report and
// runs it.
package browser
