package dev.zn5.adapters.zarrjavascala

import java.io.{BufferedReader, FileDescriptor, FileOutputStream, InputStreamReader, PrintStream, PrintWriter, StringWriter}
import java.nio.charset.StandardCharsets
import java.nio.file.{Path, Paths}
import java.util.Properties

import com.fasterxml.jackson.databind.JsonNode
import com.fasterxml.jackson.databind.node.ObjectNode
import dev.zarr.zarrjava.{core, v2, v3}

import scala.util.{Failure, Success, Try, Using}

import Json.Reading
import Library.Result

/** A run reply without its seq. */
sealed trait Reply {
  def json: ObjectNode = this match {
    case Reply.Ok(result)        => Json.obj("status" -> "ok", "result" -> result)
    case Reply.Rejected(refusal) => Json.obj("status" -> "rejected", "error" -> Map(
      "category" -> refusal.category, "phase" -> refusal.phase, "message" -> refusal.message))
    case Reply.AdapterError(error) =>
      val trace = new StringWriter()
      error.printStackTrace(new PrintWriter(trace))
      Json.obj("status" -> "adapter-error", "message" -> error.toString, "traceback" -> trace.toString)
  }
}

object Reply {
  final case class Ok(result: Map[String, Any]) extends Reply
  final case class Rejected(refusal: Refusal) extends Reply
  final case class AdapterError(error: Throwable) extends Reply

  def of(result: Result[Map[String, Any]]): Reply = result.fold(Rejected, Ok)
}

/**
 * The zn5 adapter for zarr-java, in Scala: one JVM serves a whole run, one JSON message per line on
 * stdin, one reply per line on stdout (schemas/project/protocol/). It drives the same library as the
 * Java adapter in conformance/adapters/zarr-java; it is not an independent implementation.
 */
object Main {

  val protocol = 1

  /** What zarr-java 0.0.9 supports, as capability tokens (conformance/corpus/capabilities.json). */
  val capabilities: Seq[String] = Seq(
    "format:zarr2", "format:zarr3", "op:read", "op:metadata", "op:write",
    "codec:bytes", "codec:transpose", "codec:blosc", "codec:gzip", "codec:zstd", "codec:crc32c",
    "codec:sharding_indexed", "codec:numcodecs.zlib",
    "chunk-key:default-slash", "chunk-key:default-dot", "chunk-key:v2-slash", "chunk-key:v2-dot",
    "feature:implicit-group", "feature:nested-sharding", "feature:undefined-fill", "feature:empty-axis",
    "feature:zero-dimensional"
  ) ++ Canonical.elements.keys.toSeq.sorted.map(name => s"dtype:$name")

  /** (format, token) -> why: a claimed token zarr-java 0.0.9 does not have in that format; the hello reply lists
    * them as format_gaps, and the runner scores the cases that need them unsupported (PROTO-004). */
  val formatGaps: Map[(String, String), String] = Map(
    ("zarr2", "codec:gzip") -> "zarr-java 0.0.9 has no Zarr v2 gzip compressor (its v2 codecs are blosc and zlib; gzip is a v3 codec only)",
    ("zarr2", "codec:zstd") -> "zarr-java 0.0.9 has no Zarr v2 zstd compressor (its v2 codecs are blosc and zlib; zstd is a v3 codec only)",
    ("zarr2", "codec:crc32c") -> "zarr-java 0.0.9 has no Zarr v2 crc32c codec (its v2 codecs are blosc and zlib; crc32c is a v3 codec only)",
    ("zarr3", "codec:numcodecs.zlib") -> "zarr-java 0.0.9 has no Zarr v3 numcodecs.zlib codec (zlib is its Zarr v2 compressor only)")

  /** The zarr-java version on the class path, from the pom.properties its JAR carries. */
  lazy val libraryVersion: String = {
    val resource = "/META-INF/maven/dev.zarr/zarr-java/pom.properties"
    Using.resource(getClass.getResourceAsStream(resource)) { stream =>
      val properties = new Properties()
      properties.load(stream)
      properties.getProperty("version")
    }
  }

  def hello: ObjectNode = Json.obj(
    "protocol" -> protocol,
    "implementation" -> Map(
      "name" -> "zarr-java", "version" -> libraryVersion, "language" -> "scala",
      "homepage" -> "https://github.com/zarr-developers/zarr-java"),
    "adapter" -> Map("version" -> "0.1.0"),
    "capabilities" -> capabilities.sorted,
    "format_gaps" -> formatGaps.keys.groupMap(_._1)(_._2).view.mapValues(_.toSeq.sorted).toMap)

  def main(arguments: Array[String]): Unit = {
    val protocolOut = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8)
    System.setOut(new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8))
    val in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
    Iterator.continually(in.readLine()).takeWhile(_ != null).filter(_.trim.nonEmpty).map { line =>
      Json.parse(line).orElse { System.err.println(s"zarr-java-scala adapter: not a JSON object: ${line.take(200)}"); None }
    }.collect { case Some(message) => message }
      .takeWhile(_.text("/cmd") != "stop")
      .flatMap(answer)
      .foreach { reply =>
        protocolOut.print(Json.render(reply))
        protocolOut.print('\n')
        protocolOut.flush()
      }
  }

  def answer(message: JsonNode): Option[ObjectNode] = message.text("/cmd") match {
    case "hello" => Some(hello)
    case "run" =>
      val reply = Try(Cases.run(message.get("case"), Paths.get(message.text("/input")), Paths.get(message.text("/output")))) match {
        case Success(reply) => reply
        case Failure(error) => Reply.AdapterError(error)
      }
      val json = Json.obj("seq" -> message.get("seq").asLong)
      json.setAll[JsonNode](reply.json)
      Some(json)
    case other =>
      System.err.println(s"zarr-java-scala adapter: unknown command $other")
      None
  }
}

/** One case: read, reject and equivalence cases read values, metadata cases describe, write cases create. */
object Cases {

  def run(testCase: JsonNode, input: Path, output: Path): Reply = testCase.text("/operation/op") match {
    case "write"                                   => Reply.of(write(testCase, input, output))
    case "metadata"                                => Reply.of(metadata(testCase, input))
    case _ if testCase.opt("/input/stores").nonEmpty => Reply.of(equivalence(testCase, input, output))
    case _                                         => Reply.of(read(testCase, input, output))
  }

  private def node(testCase: JsonNode): String = testCase.at("/input/node").asText("")

  private def selection(testCase: JsonNode): Option[JsonNode] = testCase.opt("/operation/selection")

  /** Read with zarr-java and write the canonical array files; the path of array.json. */
  private def readInto(array: core.Array, selection: Option[JsonNode], output: Path, name: Option[String]): Result[String] =
    Library.read(array, selection).map { values =>
      val element = Canonical.element(array.metadata().dataType())
      Canonical.writeArray(output, name, Canonical.toBytes(values, element), element, values.getShape.toSeq.map(_.toLong))
    }

  def read(testCase: JsonNode, input: Path, output: Path): Result[Map[String, Any]] = for {
    array <- Library.openArray(Library.handle(input.resolve(testCase.text("/input/store")), node(testCase)), testCase.text("/format"))
    path  <- readInto(array, selection(testCase), output, None)
  } yield Map("array" -> path)

  /** Every store whose format zarr-java reads (Zarr v2 and v3; it has no N5). */
  def equivalence(testCase: JsonNode, input: Path, output: Path): Result[Map[String, Any]] =
    testCase.get("input").get("stores").members.filter { case (format, _) => format == "zarr2" || format == "zarr3" }
      .foldLeft[Result[Map[String, Any]]](Right(Map.empty)) { case (done, (format, folder)) =>
        for {
          arrays <- done
          array  <- Library.openArray(Library.handle(input.resolve(folder.asText), node(testCase)), format)
          path   <- readInto(array, selection(testCase), output, Some(format))
        } yield arrays + (format -> path)
      }.map(arrays => Map("arrays" -> arrays))

  def metadata(testCase: JsonNode, input: Path): Result[Map[String, Any]] =
    Library.openNode(Library.handle(input.resolve(testCase.text("/input/store")), node(testCase)), testCase.text("/format"))
      .map(opened => Map("node" -> Describe(opened)))

  def write(testCase: JsonNode, input: Path, output: Path): Result[Map[String, Any]] = {
    val target = testCase.at("/operation/target")
    val description = target.get("metadata")
    val handle = Library.handle(output.resolve("store"), target.at("/node").asText(""))
    val format = target.text("/format")
    require(format == "zarr2" || format == "zarr3", s"zarr-java writes no $format")
    def unsupported(reason: String) = Refusal("unsupported", "write", reason)
    val written: Result[Unit] = description.text("/node_type") match {
      case "group" => Library.attempt("write") {
        if (format == "zarr2") v2.Group.create(handle, Create.attributes(description))
        else v3.Group.create(handle, Create.attributes(description))
        ()
      }
      case _ =>
        val values = Canonical.readArray(input.resolve(testCase.text("/input/array")))
        for {
          built <- Library.attempt("write") {
                     if (format == "zarr2") Create.v2Array(description).map(m => v2.Array.create(handle, m): core.Array)
                     else Create.v3Array(description).map(m => v3.Array.create(handle, m): core.Array)
                   }
          array <- built.left.map(unsupported)
          _     <- Library.attempt("write") {
                     val element = Canonical.element(array.metadata().dataType())
                     array.write(Canonical.fromBytes(values.raw, element, values.shape, array.metadata().dataType().getMA2DataType))
                   }
        } yield ()
    }
    written.map(_ => Map("store" -> "store"))
  }
}
