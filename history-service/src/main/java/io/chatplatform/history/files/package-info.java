/**
 * What an uploaded file must be before it is kept: plain Java, no Vert.x, no storage.
 *
 * <p>The order an upload endpoint follows, with {@link io.chatplatform.history.files.FileConfig}
 * read once at start-up:
 *
 * <ol>
 *   <li>Collect the first {@link io.chatplatform.history.files.FileTypePolicy#HEAD_BYTES} bytes
 *       (fewer if the file is shorter) and call
 *       {@link io.chatplatform.history.files.FileTypePolicy#check}: it sanitises the client's name
 *       ({@link io.chatplatform.history.files.FileNames}) and returns the
 *       {@link io.chatplatform.history.files.CheckedFile} name and type to store, or throws
 *       {@link io.chatplatform.history.files.RefusedFileException}. It is quick (no I/O).
 *   <li>If {@link io.chatplatform.history.files.CheckedFile#image()}, run
 *       {@link io.chatplatform.history.files.ImageInspector#inspect} on a worker pool of
 *       {@code THUMBNAIL_CONCURRENCY} threads (it blocks): width, height, and a thumbnail to store
 *       beside the file; a refusal means the file must not be kept.
 *   <li>Serve inline only what {@link io.chatplatform.history.files.CheckedFile#inline()} allows.
 * </ol>
 */
package io.chatplatform.history.files;
