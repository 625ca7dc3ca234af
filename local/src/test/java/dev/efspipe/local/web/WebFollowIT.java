package dev.efspipe.local.web;

import dev.efspipe.layout.DatasetName;
import dev.efspipe.local.stack.LocalStack;
import dev.efspipe.local.stack.SteppedPollers;
import dev.efspipe.read.DatasetReader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Following an upload through every state, in a real Chromium, with the pipeline stepped one invocation at
 * a time by the test (the stack runs without pollers; {@link SteppedPollers} does what they do, on the
 * real queues). So each state holds until the test moves on, and the page is seen in it: queued (the
 * object is in S3, no processor has claimed it), suspended at a checkpoint between two invocations, and
 * published.
 */
class WebFollowIT {
    static final Duration STEP = Duration.ofSeconds(30);

    @TempDir
    static Path dir;
    static LocalStack stack;
    static Browser browser;
    static SteppedPollers steps;

    @BeforeAll
    static void start() throws Exception {
        browser = Browser.start(dir.resolve("chromium-profile"), 1280, 900); // skips here without Chromium
        // Small parts and a small budget per invocation: the job stops at a checkpoint after ~400 KB of output.
        stack = LocalStack.start(LocalStack.Options.ephemeral(dir.resolve("stack")).withPollers(false).withApiPort(0)
                .withPartMaxBytes(128 * 1024).withSuspendAfterBytes(400 * 1024));
        steps = new SteppedPollers(stack);
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

    @Test
    void uploadIsFollowedThroughQueuedAndSuspendedUntilPublished() throws Exception {
        Path file = WebPageIT.writeOrdersJson(dir.resolve("stepped-orders.json"), 6000);
        browser.open(stack.info().apiEndpoint() + "/");

        browser.choose(file);
        WebElement card = browser.awaitUpload("stepped-orders.json", "queued", STEP);
        assertThat(card.findElement(By.cssSelector(".badge")).getText()).isEqualTo("Queued");
        assertThat(card.findElement(By.cssSelector(".status-line")).getText()).contains("Waiting for a processor");

        steps.ingestOnce(STEP);
        steps.processOnce(STEP); // the first invocation stops at a checkpoint and queues its continuation
        browser.awaitUpload("stepped-orders.json", "suspended", STEP);
        assertThat(card.findElement(By.cssSelector(".badge")).getText()).isEqualTo("Suspended");
        assertThat(card.findElement(By.cssSelector(".status-line")).getText()).contains("continues by itself");
        assertThat(card.findElements(By.cssSelector(".bar-row")).get(1).isDisplayed()).as("the processing bar").isTrue();
        WebElement bar = card.findElements(By.tagName("progress")).get(1);
        assertThat(Double.parseDouble(bar.getAttribute("value"))).as("how far the first invocation got").isStrictlyBetween(0.0, 100.0);
        assertThat(card.findElements(By.cssSelector(".bar-row .bar-value")).get(1).getText()).matches("\\d+ %");
        assertThat(card.findElement(By.cssSelector(".stats")).getText())
                .matches("[\\d,]+ records · [\\d.]+ (B|kB|MB) of 1\\.4 MB read · [\\d.]+ MB/s · updated .*");
        browser.screenshot("follow-suspended");

        DatasetReader reader = new DatasetReader(stack.info().efsDir());
        int invocations = 1;
        while (reader.current(DatasetName.of("stepped-orders")).isEmpty()) {
            assertThat(invocations).as("continuations before publishing").isLessThan(20);
            steps.processOnce(STEP);
            invocations++;
        }
        browser.awaitUpload("stepped-orders.json", "published", STEP);
        assertThat(card.findElement(By.cssSelector(".outcome")).getText()).startsWith("6,000 records in stepped-orders");
        assertThat(invocations).as("the job took several invocations").isGreaterThan(1);
        browser.screenshot("follow-published");
    }
}
