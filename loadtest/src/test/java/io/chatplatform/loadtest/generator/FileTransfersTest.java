package io.chatplatform.loadtest.generator;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The generator's file client against a stand-in that answers at once with a few bytes: every
 * download counts its bytes and every upload reads its file id. Transfers are started from the
 * test thread, as {@link FilesScenario} starts its first ones from the main thread: the answer's
 * handlers must be set in the send's own callback, or a short answer can end before they are.
 * With the read one step later in a flat chain: 35 wrong of 4,000 downloads and 4,000 uploads with
 * both cores busy (17 downloads failed with IllegalStateException, 18 uploads never answered),
 * although a run of 1,000 each once saw none; none of 4,000 each since.
 */
class FileTransfersTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(3);
  private static final String FILE = "tiny!";
  private final Vertx vertx = Vertx.vertx();
  private HttpServer server;
  private FileTransfers transfers;
  private ErrorCounter errors;

  @BeforeEach
  void start() throws Exception {
    server = Await.result(vertx.createHttpServer().requestHandler(request -> {
      if (request.path().startsWith("/api/v1/files/")) {
        request.response().end(FILE);
      } else {
        request.body().onSuccess(body -> request.response().setStatusCode(201).end(new JsonObject().put("fileId", "f_" + body.length()).toBuffer()));
      }
    }).listen(0, "127.0.0.1"), TIMEOUT);
    errors = new ErrorCounter();
    transfers = new FileTransfers(vertx, new Endpoint("127.0.0.1", server.actualPort()), 2, errors);
  }

  @AfterEach
  void stop() throws Exception {
    transfers.close();
    Await.result(vertx.close(), TIMEOUT);
  }

  @Test
  void everyShortAnswerIsRead() {
    int transfersEach = Integer.getInteger("fileTransfers.count", 2000);
    byte[] bytes = new byte[7];
    String expectedId = "f_" + FileTransfers.multipart("a.pdf", bytes).length();
    List<String> wrong = new ArrayList<>();
    for (int i = 0; i < transfersEach; i++) {
      try {
        long received = Await.result(transfers.download("token", "f_" + i), TIMEOUT);
        if (received != FILE.length()) {
          wrong.add("download " + i + ": " + received + " bytes");
        }
      } catch (Exception e) {
        wrong.add("download " + i + ": " + e);
      }
      try {
        String id = Await.result(transfers.upload("token", "r", "a.pdf", bytes), TIMEOUT);
        if (!expectedId.equals(id)) {
          wrong.add("upload " + i + ": " + id);
        }
      } catch (Exception e) {
        wrong.add("upload " + i + ": " + e);
      }
    }
    System.out.println(transfersEach + " downloads and uploads, wrong: " + wrong.size() + " " + wrong + " errors " + errors.snapshot());
    assertThat(wrong).as("transfers whose answer was not read whole").isEmpty();
  }
}
