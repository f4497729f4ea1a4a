package dev.zn5.adapters.zarrjavascala

import java.nio.file.{NoSuchFileException, Path}

import com.fasterxml.jackson.databind.JsonNode
import com.fasterxml.jackson.databind.exc.{InvalidFormatException, InvalidTypeIdException}
import dev.zarr.zarrjava.core
import dev.zarr.zarrjava.store.{FilesystemStore, HttpStore, Store, StoreHandle}
import dev.zn5.kit.AdapterKit

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

  /** The store handle of a node: the store folder (in a run over HTTP zarr-java's HttpStore at the URL the
    * kit gives, PROTO-022), then the keys of the node path. */
  def handle(store: Path, node: String): StoreHandle = {
    val opened: Store = Option(AdapterKit.storeUrl(store)).fold[Store](new FilesystemStore(store))(new HttpStore(_))
    new StoreHandle(opened, node.split('/').filter(_.nonEmpty).toSeq: _*)
  }

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

  /**
   * The values of a selection read with zarr-java, in the protocol's form: without a selection the whole
   * array with read(), with one the box spanning it with read(offset, shape), of which the kit picks the
   * selection.
   */
  def read(array: core.Array, selection: JsonNode): Result[AdapterKit.ArrayValues] = {
    val element = Canonical.element(array.metadata().dataType())
    val selected = AdapterKit.Selection.of(selection, array.metadata().shape)
    def values(shape: Array[Long], raw: Array[Byte]) = new AdapterKit.ArrayValues(element.name, shape, raw)
    if (selected.isWhole)
      attempt("read")(array.read()).map(all => values(all.getShape.map(_.toLong), Canonical.toBytes(all, element)))
    else if (selected.isEmpty) Right(values(selected.resultShape, Array.emptyByteArray))
    else attempt("read")(array.read(selected.offset, selected.box)).map { box =>
      values(selected.resultShape, selected.pick(Canonical.toBytes(box, element), element.size))
    }
  }
}
