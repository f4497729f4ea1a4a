package dev.zn5.adapters.zarrjavascala

import java.nio.file.{NoSuchFileException, Path}

import com.fasterxml.jackson.databind.JsonNode
import com.fasterxml.jackson.databind.exc.{InvalidFormatException, InvalidTypeIdException}
import dev.zarr.zarrjava.core
import dev.zarr.zarrjava.store.{FilesystemStore, StoreHandle}
import ucar.ma2

import scala.util.{Failure, Success, Try}

/** zarr-java refused the input: the error of a rejected reply. */
final case class Refusal(category: String, phase: String, message: String)

/**
 * Calls into zarr-java's public API. Every call that can fail because of the input is wrapped in
 * [[Library.attempt]], which turns the library's exception into a [[Refusal]]; anything else that
 * throws is the adapter's own failure.
 */
object Library {

  type Result[A] = Either[Refusal, A]

  /** Run a zarr-java call; its exception becomes a refusal in `phase`, categorised by [[category]]. */
  def attempt[A](phase: String)(call: => A): Result[A] = Try(call) match {
    case Success(value) => Right(value)
    case Failure(error) => Left(Refusal(category(error, phase), phase, describe(error)))
  }

  /**
   * The error category of a zarr-java exception: a missing node is not-found; a type id none of its
   * registries knows (codec, chunk grid, chunk key encoding) or a data type none of its DataType
   * enums has is unsupported; anything else is a metadata problem when opening and a chunk problem
   * when reading.
   */
  def category(error: Throwable, phase: String): String = {
    val found = causes(error).collectFirst {
      case _: NoSuchFileException                              => "not-found"
      case _: InvalidTypeIdException                           => "unsupported"
      case format: InvalidFormatException if isDataType(format) => "unsupported"
    }
    found.getOrElse(phase match {
      case "open" => "metadata"
      case "read" => "chunk"
      case _      => "store"
    })
  }

  private def isDataType(error: InvalidFormatException): Boolean =
    Option(error.getTargetType).exists(classOf[core.DataType].isAssignableFrom)

  private def causes(error: Throwable): LazyList[Throwable] =
    LazyList.iterate(error)(_.getCause).takeWhile(_ != null)

  private def describe(error: Throwable): String = causes(error).last match {
    case root if root eq error => error.toString
    case root                  => s"$error (caused by $root)"
  }

  /** The store handle of a node: the store folder, then the keys of the node path. */
  def handle(store: Path, node: String): StoreHandle =
    new StoreHandle(new FilesystemStore(store), node.split('/').filter(_.nonEmpty).toSeq: _*)

  /** The node at a handle through zarr-java's node entry points, for "zarr2", "zarr3" or "any" format. */
  def openNode(handle: StoreHandle, format: String): Result[core.Node] = attempt("open") {
    format match {
      case "zarr2" => dev.zarr.zarrjava.v2.Node.open(handle)
      case "zarr3" => dev.zarr.zarrjava.v3.Node.open(handle)
      case _       => core.Node.open(handle)
    }
  }

  def openArray(handle: StoreHandle, format: String): Result[core.Array] =
    openNode(handle, format).flatMap {
      case array: core.Array => Right(array)
      case other             => Left(Refusal("not-found", "open", s"zarr-java opened $other, not an array"))
    }

  /** One axis of a NumPy-style selection: `count` elements from `start` every `step`; `kept` unless indexed. */
  final case class Axis(start: Long, count: Long, step: Int, kept: Boolean) {
    def box: Int = if (count == 0) 0 else Math.toIntExact((count - 1) * step + 1)
  }

  /** The axes of a case selection (per axis an integer index or [start, stop, step]) over a shape. */
  def axes(selection: JsonNode, shape: Array[Long]): Seq[Axis] = {
    import Json.Reading
    val picked = selection.items
    require(picked.length <= shape.length, s"selection has ${picked.length} axes, the array ${shape.length}")
    shape.toSeq.zipWithIndex.map { case (length, axis) =>
      def clamp(index: Long) = (if (index < 0) index + length else index).max(0L).min(length)
      picked.lift(axis) match {
        case None                                 => Axis(0, length, 1, kept = true)
        case Some(index) if index.isIntegralNumber =>
          Axis(if (index.asLong < 0) index.asLong + length else index.asLong, 1, 1, kept = false)
        case Some(slice) =>
          val (start, stop, step) = (slice.get(0).asLong, slice.get(1).asLong, slice.get(2).asLong)
          require(step > 0, s"only positive steps are supported, got $step")
          val (from, to) = (clamp(start), clamp(stop))
          Axis(from, if (to > from) (to - from + step - 1) / step else 0, step.toInt, kept = true)
      }
    }
  }

  /** The values of a selection read with zarr-java: the whole array with read(), else the spanning box with read(offset, shape). */
  def read(array: core.Array, selection: Option[JsonNode]): Result[ma2.Array] = selection match {
    case None => attempt("read")(array.read())
    case Some(items) =>
      val selected = axes(items, array.metadata().shape)
      if (selected.exists(_.count == 0)) {
        val shape = selected.filter(_.kept).map(_.count.toInt).toArray
        Right(ma2.Array.factory(array.metadata().dataType().getMA2DataType, shape))
      } else {
        attempt("read")(array.read(selected.map(_.start).toArray, selected.map(_.box).toArray)).map { box =>
          val ranges = selected.map(axis => new ma2.Range(0, axis.box - 1, axis.step))
          val strided = if (ranges.isEmpty) box else box.sectionNoReduce(java.util.List.of(ranges: _*))
          selected.zipWithIndex.reverse.foldLeft(strided) {
            case (values, (axis, index)) if !axis.kept => values.reduce(index)
            case (values, _)                            => values
          }
        }
      }
  }
}
