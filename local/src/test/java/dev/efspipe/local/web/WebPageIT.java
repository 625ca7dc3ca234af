package dev.efspipe.local.web;

import dev.efspipe.layout.DatasetName;
import dev.efspipe.layout.Version;
import dev.efspipe.local.demo.DemoArchive;
import dev.efspipe.local.stack.LocalStack;
import dev.efspipe.manifest.Manifest;
import dev.efspipe.read.DatasetReader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The web page in a real headless Chromium against the local stack as {@code ./pipeline up} runs it (the
 * API on its own port, S3Proxy, ElasticMQ, the pollers, an EFS directory): files go through the page's
 * file input, the browser PUTs them cross-origin to S3 with presigned URLs, and the page follows each
 * upload until the pipeline publishes it. Every screen leaves a screenshot in {@code target/screenshots/}.
 */
class WebPageIT {
    /** Above this size the API answers a multipart plan; parts are S3's minimum, 5 MiB. */
    static final long MULTIPART_THRESHOLD = 6L << 20;
    static final Duration PUBLISHED_WITHIN = Duration.ofSeconds(90);
    static final long MAX_RESPONSE_BYTES = 64 * 1024;

    @TempDir
    static Path dir;
    static LocalStack stack;
    static Browser browser;
    static String page;

    @BeforeAll
    static void start() throws Exception {
        browser = Browser.start(dir.resolve("chromium-profile"), 1280, 900); // skips here without Chromium
        stack = LocalStack.start(LocalStack.Options.ephemeral(dir.resolve("stack")).withApiPort(0)
                .withEnv(Map.of("PIPELINE_MULTIPART_THRESHOLD_BYTES", Long.toString(MULTIPART_THRESHOLD),
                        "PIPELINE_MULTIPART_PART_BYTES", Long.toString(5L << 20),
                        "PIPELINE_ACCEPT_SUFFIXES", ".json,.ndjson,.zip",
                        // The smallest answer the API allows, so that a download of a few hundred kB takes several ranges.
                        "PIPELINE_MAX_RESPONSE_BYTES", Long.toString(MAX_RESPONSE_BYTES))));
        page = stack.info().apiEndpoint() + "/";
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @BeforeEach
    void freshPage() {
        browser.resize(1280, 900);
        browser.open(page);
        browser.js("sessionStorage.clear()"); // uploads an earlier test left unfinished are not followed again
        browser.open(page);
    }

    // ---- upload and follow -------------------------------------------------------------------------

    @Test
    void jsonFileAndZipUploadedThroughThePageAreFollowedUntilPublished() throws Exception {
        Path json = writeOrdersJson(dir.resolve("web-orders.json"), 45);
        Path zip = DemoArchive.write(dir.resolve("web-archive.zip"), 120, 3);

        choose(json, zip);
        WebElement jsonCard = awaitState("web-orders.json", "published");
        WebElement zipCard = awaitState("web-archive.zip", "published");

        assertThat(jsonCard.findElement(By.cssSelector(".outcome")).getText()).startsWith("45 records in web-orders");
        assertThat(zipCard.findElement(By.cssSelector(".outcome")).getText()).startsWith("120 records in web-archive");
        assertThat(jsonCard.findElement(By.cssSelector(".badge")).getText()).isEqualTo("Published");
        assertThat(progressValue(jsonCard, 0)).as("the transfer bar is full").isEqualTo(Files.size(json));
        assertThat(published("web-orders").records()).isEqualTo(45);
        assertThat(published("web-archive").records()).isEqualTo(120);
        browser.screenshot("upload-published");
    }

    @Test
    void fileDroppedOnTheDropZoneIsUploadedLikeAPickedOne() {
        // What the browser delivers when a file is dragged from the desktop: a drop event whose DataTransfer holds it.
        browser.js("""
                const zone = document.getElementById('dropzone');
                const data = new DataTransfer();
                data.items.add(new File(['[{"id":1},{"id":2},{"id":3}]'], 'dropped-orders.json', { type: 'application/json' }));
                zone.dispatchEvent(new DragEvent('dragenter', { bubbles: true, cancelable: true, dataTransfer: data }));
                window.__highlighted = zone.classList.contains('dragging');
                zone.dispatchEvent(new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: data }));""");

        WebElement card = awaitState("dropped-orders.json", "published");

        assertThat(browser.js("return window.__highlighted")).as("the zone shows a file is over it").isEqualTo(true);
        assertThat(browser.find("#dropzone").getAttribute("class")).doesNotContain("dragging");
        assertThat(card.findElement(By.cssSelector(".outcome")).getText()).startsWith("3 records in dropped-orders");
    }

    @Test
    void datasetNameAndRecordPointerChosenInTheOptionsAreUsed() throws Exception {
        Path doc = Files.writeString(dir.resolve("export.json"),
                "{\"meta\": {\"rows\": [1, 2]}, \"data\": {\"items\": [{\"a\": 1}, {\"a\": 2}, {\"a\": 3}, {\"a\": 4}]}}");
        browser.find("details.options summary").click();
        browser.find("#opt-dataset").sendKeys("chosen-name");
        browser.find("#opt-pointer").sendKeys("/data/items");

        choose(doc);
        WebElement card = awaitState("export.json", "published");

        assertThat(card.findElement(By.cssSelector(".outcome")).getText()).startsWith("4 records in chosen-name");
        Manifest manifest = published("chosen-name");
        assertThat(manifest.records()).isEqualTo(4);
        assertThat(manifest.recordPointer()).isEqualTo("/data/items");
    }

    @Test
    void badFileShowsItsReasonInPlainWords() throws Exception {
        Path bad = Files.writeString(dir.resolve("broken-orders.json"), "[{\"id\": 1}, {\"id\": 2,, }]");

        choose(bad);
        WebElement card = awaitState("broken-orders.json", "failed");

        String why = card.findElement(By.cssSelector(".outcome")).getText();
        assertThat(why).startsWith("Why: ").contains("broken-orders.json").doesNotContain("Exception");
        assertThat(card.findElement(By.cssSelector(".badge")).getText()).isEqualTo("Failed");
        assertThat(browser.find("#announcer").getText()).as("said to screen readers too").contains("broken-orders.json was failed");
        browser.screenshot("upload-failed");
    }

    @Test
    void fileTheIngestRulesRefuseIsShownRejectedWithTheRule() throws Exception {
        Path text = Files.writeString(dir.resolve("notes.txt"), "not for this pipeline\n");

        choose(text);
        WebElement card = awaitState("notes.txt", "rejected");

        assertThat(card.findElement(By.cssSelector(".badge")).getText()).isEqualTo("Rejected");
        assertThat(card.findElement(By.cssSelector(".outcome")).getText())
                .startsWith("Why: The pipeline ignores this upload")
                .contains("does not end with any of [.json, .ndjson, .zip]");
        assertThat(card.findElements(By.cssSelector(".bar-row")).get(1).isDisplayed()).as("no processing bar").isFalse();
    }

    @Test
    void largeFileIsSentInParallelPartsAndSurvivesAFailedPart() throws Exception {
        Path big = writeOrdersJson(dir.resolve("big-orders.json"), 60_000);
        long size = Files.size(big);
        assertThat(size).as("over the multipart threshold, three parts").isBetween(2 * (5L << 20) + 1, 3 * (5L << 20));
        // The first PUT of part 2 goes out with a broken signature, so the real S3 server refuses it (403);
        // the page must try that part again and finish the upload.
        browser.js("""
                const open = XMLHttpRequest.prototype.open;
                window.__spoiled = 0;
                XMLHttpRequest.prototype.open = function (method, url, ...rest) {
                  if (method === 'PUT' && /[?&]partNumber=2(&|$)/.test(url) && window.__spoiled === 0) {
                    window.__spoiled++;
                    url = url.replace(/X-Amz-Signature=[0-9a-f]+/, 'X-Amz-Signature=' + '0'.repeat(64));
                  }
                  return open.call(this, method, url, ...rest);
                };""");

        choose(big);
        WebElement card = awaitState("big-orders.json", "published");

        assertThat(card.getAttribute("data-parts")).isEqualTo("3");
        assertThat(card.getAttribute("data-retries")).as("part 2 was tried again once").isEqualTo("1");
        assertThat(card.findElement(By.cssSelector(".note")).getText()).contains("1 part attempt was repeated");
        assertThat(browser.js("return window.__spoiled")).isEqualTo(1L);
        Manifest manifest = published("big-orders");
        assertThat(manifest.records()).isEqualTo(60_000);
        assertThat(manifest.inputBytes()).isEqualTo(size);
        browser.screenshot("upload-multipart");
    }

    @Test
    void cancellingALargeUploadAbortsItsMultipartUpload() throws Exception {
        Path big = writeOrdersJson(dir.resolve("cancelled-orders.json"), 60_000);
        browser.throttleUploads(2_000_000); // bytes per second: the transfer takes seconds, time enough to cancel it
        try {
            choose(big);
            WebElement card = browser.awaitVisible("li.upload[data-name='cancelled-orders.json']", Duration.ofSeconds(10));
            browser.await(Duration.ofSeconds(30), d -> progressValue(card, 0) > 0, "the transfer to start");
            String key = card.getAttribute("data-key");
            assertThat(stack.s3().listMultipartUploads(b -> b.bucket(stack.info().bucket())).uploads())
                    .as("the upload the API started").anyMatch(u -> u.key().equals(key));

            card.findElement(By.xpath(".//button[text()='Cancel']")).click();
            browser.awaitUpload("cancelled-orders.json", "cancelled", Duration.ofSeconds(30));

            assertThat(card.findElement(By.cssSelector(".status-line")).getText()).contains("cancelled");
            browser.await(Duration.ofSeconds(10), d -> stack.s3().listMultipartUploads(b -> b.bucket(stack.info().bucket()))
                    .uploads().stream().noneMatch(u -> u.key().equals(key)), "the multipart upload to be aborted");
            assertThat(stack.s3().listObjectsV2(b -> b.bucket(stack.info().bucket())).contents())
                    .noneMatch(o -> o.key().equals(key));
        } finally {
            browser.throttleUploads(-1);
        }
    }

    // ---- browse ------------------------------------------------------------------------------------

    @Test
    void datasetPageShowsTheFieldSummaryAndPagesThroughRecords() throws Exception {
        Path json = writeOrdersJson(dir.resolve("paged-orders.json"), 45);
        choose(json);
        WebElement card = awaitState("paged-orders.json", "published");
        Manifest manifest = published("paged-orders");

        card.findElement(By.cssSelector(".dataset-link")).click();
        browser.await(Duration.ofSeconds(15), d -> browser.find("#records-status").getText().startsWith("Records 1–20"), "the first page");

        assertThat(browser.find("#dataset-title").getText()).isEqualTo("paged-orders");
        assertThat(browser.find("#ds-records").getText()).isEqualTo("45");
        Map<String, List<String>> fields = rows("#fields-table");
        for (Manifest.Field f : manifest.fields().paths()) {
            assertThat(fields).containsKey(f.path());
            List<String> row = fields.get(f.path());
            assertThat(row.get(0).split("\\s+")).containsExactlyInAnyOrderElementsOf(f.types());
            assertThat(row.get(1)).isEqualTo(String.valueOf(f.count()));
            assertThat(row.get(2)).isEqualTo(String.valueOf(f.nulls()));
        }
        assertThat(fields.get("note").get(2)).as("the nulls of 'note'").isEqualTo("15");
        assertThat(recordIds()).containsExactlyElementsOf(range(1, 20));
        assertThat(browser.find("#records-prev").isEnabled()).isFalse();
        browser.screenshot("dataset");

        browser.find("#records-next").click();
        browser.await(Duration.ofSeconds(15), d -> browser.find("#records-status").getText().equals("Records 21–40 of 45"), "page 2");
        assertThat(recordIds()).containsExactlyElementsOf(range(21, 40));
        browser.find("#records-next").click();
        browser.await(Duration.ofSeconds(15), d -> browser.find("#records-status").getText().equals("Records 41–45 of 45"), "page 3");
        assertThat(recordIds()).containsExactlyElementsOf(range(41, 45));
        assertThat(browser.find("#records-next").isEnabled()).as("no page after the last").isFalse();
        browser.find("#records-prev").click();
        browser.await(Duration.ofSeconds(15), d -> browser.find("#records-status").getText().equals("Records 21–40 of 45"), "back to page 2");

        List<String> downloads = browser.findAll("#parts-list a").stream().map(a -> a.getAttribute("href")).toList();
        assertThat(downloads).hasSize(manifest.parts().size());
        String part = (String) browser.js("return fetch(arguments[0]).then(r => r.text())", downloads.get(0));
        assertThat(part.lines().count()).isEqualTo(manifest.parts().get(0).records());
        assertThat(browser.find("#view-dataset").getText()).contains("Lineage").contains(manifest.jobId().value());
    }

    @Test
    void partLargerThanOneApiAnswerIsDownloadedWholeFromRanges() throws Exception {
        choose(writeOrdersJson(dir.resolve("download-orders.json"), 1500));
        awaitState("download-orders.json", "published");
        Manifest manifest = published("download-orders");
        Manifest.Part part = manifest.parts().get(0);
        assertThat(part.bytes()).as("several answers' worth").isGreaterThan(4 * MAX_RESPONSE_BYTES);

        browser.route("#/datasets/download-orders");
        browser.awaitVisible("#parts-list a[data-file='" + part.name() + "']", Duration.ofSeconds(15)).click();
        WebElement status = browser.find("#parts-list li .download-status");
        browser.await(Duration.ofSeconds(60), d -> status.getText().startsWith("saved"), "the download to finish");

        Path saved = browser.downloads().resolve(part.name().substring(part.name().lastIndexOf('/') + 1));
        browser.await(Duration.ofSeconds(30), d -> Files.exists(saved) ? saved : null, "the browser to save " + saved);
        assertThat(Files.size(saved)).isEqualTo(part.bytes());
        assertThat(sha256(saved)).as("the same bytes as published").isEqualTo(part.sha256());
    }

    @Test
    void datasetsListShowsEachPublishedDataset() throws Exception {
        Path json = writeOrdersJson(dir.resolve("listed-orders.json"), 7);
        choose(json);
        awaitState("listed-orders.json", "published");
        Manifest manifest = published("listed-orders");

        browser.find("a[data-nav=datasets]").click();
        WebElement row = browser.awaitVisible("#datasets-table tr[data-dataset='listed-orders']", Duration.ofSeconds(15));

        List<String> cells = row.findElements(By.tagName("td")).stream().map(WebElement::getText).toList();
        assertThat(cells.get(0)).as("current version").isEqualTo(manifest.version().value());
        assertThat(cells.get(1)).as("records").isEqualTo("7");
        assertThat(cells.get(2)).as("size").endsWith(" kB");
        assertThat(cells.get(3)).as("published").matches("(now|\\d+ seconds? ago|\\d+ minutes? ago)");
        assertThat(cells.get(4)).as("source").isEqualTo(manifest.source().describe()).endsWith("/listed-orders.json");
        browser.screenshot("datasets");
    }

    // ---- on a phone, with a keyboard, for everyone --------------------------------------------------

    @Test
    void pagesFitAPhoneSizedScreen() throws Exception {
        choose(writeOrdersJson(dir.resolve("phone-orders.json"), 30));
        awaitState("phone-orders.json", "published");
        browser.resize(390, 844);

        assertThat(horizontalOverflow()).as("the upload page scrolls only vertically").isZero();
        browser.screenshot("phone-upload");
        browser.route("#/datasets/phone-orders");
        browser.await(Duration.ofSeconds(15), d -> browser.find("#records-status").getText().startsWith("Records 1–20"), "the records");
        assertThat(horizontalOverflow()).as("wide tables scroll inside their own region, not the page").isZero();
        assertThat(browser.find("#records-table .table-scroll").getAttribute("tabindex")).as("and can be scrolled by keyboard").isEqualTo("0");
        browser.screenshot("phone-dataset");
    }

    @Test
    void everyControlHasALabelAndTheFileChooserIsReachedByKeyboard() {
        @SuppressWarnings("unchecked")
        List<String> unlabelled = (List<String>) browser.js("""
                return [...document.querySelectorAll('input, textarea, select, button, progress')]
                  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label') && !el.textContent.trim())
                  .map(el => el.outerHTML.slice(0, 80));""");
        assertThat(unlabelled).isEmpty();
        assertThat(browser.find("#announcer").getAttribute("aria-live")).isEqualTo("polite");

        browser.js("document.activeElement.blur(); window.scrollTo(0, 0)");
        String focused = "";
        for (int i = 0; i < 10 && !focused.equals("file-input"); i++) {
            new org.openqa.selenium.interactions.Actions(browser.driver()).sendKeys(org.openqa.selenium.Keys.TAB).perform();
            focused = (String) browser.js("return document.activeElement.id");
        }
        assertThat(focused).as("Tab reaches the file chooser").isEqualTo("file-input");
        assertThat(browser.js("return getComputedStyle(document.getElementById('dropzone')).outlineStyle"))
                .as("and the drop zone shows where the focus is").isEqualTo("solid");
    }

    @Test
    void textHasEnoughContrastOnEveryScreen() throws Exception {
        choose(writeOrdersJson(dir.resolve("sales-q3.json"), 5), Files.writeString(dir.resolve("sales-q4.json"), "[{\"id\": 1} {\"id\": 2}]"));
        awaitState("sales-q3.json", "published");
        awaitState("sales-q4.json", "failed");
        assertThat(lowContrast()).as("upload").isEmpty();
        browser.screenshot("upload-outcomes");
        browser.route("#/datasets");
        browser.awaitVisible("#datasets-table", Duration.ofSeconds(15));
        assertThat(lowContrast()).as("datasets").isEmpty();
        browser.route("#/datasets/sales-q3");
        browser.await(Duration.ofSeconds(15), d -> browser.find("#records-status").getText().startsWith("Records 1–5"), "the records");
        assertThat(lowContrast()).as("dataset").isEmpty();
        browser.route("#/wall");
        browser.awaitVisible("#wall", Duration.ofSeconds(10));
        assertThat(lowContrast()).as("wall").isEmpty();
    }

    // ---- the wall ----------------------------------------------------------------------------------

    @Test
    void wallTakesPostsAndIsCleared() throws Exception {
        browser.find("a[data-nav=wall]").click();
        WebElement wall = browser.awaitVisible("#wall", Duration.ofSeconds(10));

        post("Hello from the browser");
        post("Second line, with ünïcode");
        browser.await(Duration.ofSeconds(10), d -> wall.getText().contains("Second line, with ünïcode"), "the second post");
        assertThat(wall.getText()).contains("Hello from the browser\nSecond line, with ünïcode");
        browser.screenshot("wall");

        browser.find("#wall-clear").click();
        browser.awaitVisible("#wall-clear-yes", Duration.ofSeconds(5)).click();
        browser.await(Duration.ofSeconds(10), d -> wall.getText().equals("No message yet."), "the wall to be empty");
        assertThat(browser.find("#announcer").getText()).isEqualTo("Messages deleted.");
    }

    // ---- helpers -----------------------------------------------------------------------------------

    static void choose(Path... files) {
        browser.choose(files);
    }

    static WebElement awaitState(String fileName, String state) {
        return browser.awaitUpload(fileName, state, PUBLISHED_WITHIN);
    }

    static String sha256(Path file) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    static long horizontalOverflow() {
        return (Long) browser.js("return Math.max(0, document.documentElement.scrollWidth - document.documentElement.clientWidth)");
    }

    /**
     * Visible text whose contrast with the background behind it is under WCAG AA: 4.5:1, or 3:1 for large
     * text (24 px, or 18.66 px bold). Backgrounds are found by walking up to the first opaque one.
     */
    @SuppressWarnings("unchecked")
    static List<String> lowContrast() {
        return (List<String>) browser.js("""
                const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
                const lum = ([r, g, b]) => {
                  const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
                  return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
                };
                const background = (el) => {
                  for (; el; el = el.parentElement) {
                    const c = rgb(getComputedStyle(el).backgroundColor);
                    if (c.length === 3 || (c.length === 4 && c[3] > 0.9)) return c.slice(0, 3);
                  }
                  return [255, 255, 255];
                };
                const out = [];
                const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
                for (let n = walker.nextNode(); n; n = walker.nextNode()) {
                  const el = n.parentElement;
                  if (!n.textContent.trim() || !el || !el.checkVisibility() || el.closest('.visually-hidden')) continue;
                  const s = getComputedStyle(el);
                  const size = parseFloat(s.fontSize);
                  const large = size >= 24 || (size >= 18.66 && Number(s.fontWeight) >= 700);
                  const a = lum(rgb(s.color)), b = lum(background(el));
                  const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
                  if (ratio < (large ? 3 : 4.5)) out.push(`${n.textContent.trim().slice(0, 40)}: ${ratio.toFixed(2)} (${s.color} on ${background(el)})`);
                }
                return out;""");
    }

    static long progressValue(WebElement card, int index) {
        return Long.parseLong(card.findElements(By.tagName("progress")).get(index).getAttribute("value"));
    }

    static Manifest published(String dataset) throws IOException {
        DatasetReader reader = new DatasetReader(stack.info().efsDir());
        Version v = reader.current(DatasetName.of(dataset)).orElseThrow(() -> new AssertionError(dataset + " is not published"));
        return reader.manifest(DatasetName.of(dataset), v);
    }

    /** Rows of a table by their header cell: the other cells' text. */
    static Map<String, List<String>> rows(String table) {
        return browser.findAll(table + " tbody tr").stream().collect(Collectors.toMap(
                tr -> tr.findElement(By.tagName("th")).getText(),
                tr -> tr.findElements(By.tagName("td")).stream().map(WebElement::getText).toList()));
    }

    static List<Long> recordIds() {
        List<String> head = browser.findAll("#records-table thead th").stream().map(WebElement::getText).toList();
        int id = head.indexOf("id");
        return browser.findAll("#records-table tbody tr").stream()
                .map(tr -> Long.parseLong(tr.findElements(By.tagName("td")).get(id - 1).getText())).toList();
    }

    static List<Long> range(long from, long to) {
        return java.util.stream.LongStream.rangeClosed(from, to).boxed().toList();
    }

    static void post(String message) {
        WebElement text = browser.find("#wall-text");
        text.sendKeys(message);
        browser.find("#wall-form button[type=submit]").click();
        browser.await(Duration.ofSeconds(10), d -> text.getAttribute("value").isEmpty(), "the post to be taken");
    }

    /** A JSON array of orders: id, customer, total, items (an array of objects), paid, and a note that is null in every third. */
    static Path writeOrdersJson(Path file, int records) throws IOException {
        StringBuilder s = new StringBuilder("[\n");
        for (int i = 1; i <= records; i++) {
            s.append(String.format(java.util.Locale.ROOT,
                    "{\"id\":%d,\"customer\":\"customer-%03d\",\"total\":%.2f,\"items\":[{\"sku\":\"S-%d\",\"qty\":%d}],"
                            + "\"paid\":%s,\"note\":%s,\"padding\":\"%s\"}%s%n",
                    i, i % 1000, i * 1.25, i % 50, 1 + i % 3, i % 2 == 0, i % 3 == 0 ? "null" : "\"rush\"",
                    "x".repeat(100), i < records ? "," : ""));
        }
        return Files.writeString(file, s.append("]\n"), StandardCharsets.UTF_8);
    }
}
