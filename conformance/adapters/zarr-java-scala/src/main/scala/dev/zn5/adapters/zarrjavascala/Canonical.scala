package dev.zn5.adapters.zarrjavascala

import java.nio.{ByteBuffer, ByteOrder}
import java.util.{HexFormat, Locale}

import ucar.ma2

/**
 * The canonical forms of the protocol: element types by their canonical names, and values as raw
 * little-endian C-order bytes (which the adapter kit writes and reads as `array.json` + `array.bin`).
 */
object Canonical {

  /** Writes the iterator's next element onto the buffer. */
  type Put = (ByteBuffer, ma2.IndexIterator) => Unit
  /** Reads the buffer's next element into the iterator. */
  type Take = (ByteBuffer, ma2.IndexIterator) => Unit

  /** An element type zarr-java has: its canonical name, and how one element moves between a ucar.ma2
   * iterator and little-endian bytes, both ways. */
  final class Element(val name: String, val size: Int, val put: Put, val take: Take) {
    /** A parsed fill value (zarr-java's boxed Java value) as little-endian bytes. */
    def fillBytes(value: Any): Array[Byte] = {
      val out = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN)
      value match {
        case flag: java.lang.Boolean => out.put((if (flag) 1 else 0).toByte)
        case n: java.lang.Byte       => out.put(n.byteValue)
        case n: java.lang.Short      => out.putShort(n.shortValue)
        case n: java.lang.Integer    => out.putInt(n.intValue)
        case n: java.lang.Long       => out.putLong(n.longValue)
        case n: java.lang.Float      => out.putFloat(n.floatValue)
        case n: java.lang.Double     => out.putDouble(n.doubleValue)
        case other                   => throw new IllegalStateException(s"unexpected fill value $other")
      }
      out.array()
    }
  }

  /** How one element of a Java primitive type moves: its size, onto the buffer and back. */
  private final case class Moves(size: Int, put: Put, take: Take)

  private val bool = Moves(1, (out, it) => out.put((if (it.getBooleanNext) 1 else 0).toByte), (in, it) => it.setBooleanNext(in.get != 0))
  private val byte = Moves(1, (out, it) => out.put(it.getByteNext), (in, it) => it.setByteNext(in.get))
  private val short = Moves(2, (out, it) => out.putShort(it.getShortNext), (in, it) => it.setShortNext(in.getShort))
  private val int = Moves(4, (out, it) => out.putInt(it.getIntNext), (in, it) => it.setIntNext(in.getInt))
  private val long = Moves(8, (out, it) => out.putLong(it.getLongNext), (in, it) => it.setLongNext(in.getLong))
  private val float = Moves(4, (out, it) => out.putFloat(it.getFloatNext), (in, it) => it.setFloatNext(in.getFloat))
  private val double = Moves(8, (out, it) => out.putDouble(it.getDoubleNext), (in, it) => it.setDoubleNext(in.getDouble))

  /** The element types by canonical name; an unsigned type travels in its signed Java type's bits. */
  val elements: Map[String, Element] = Map(
    "bool" -> bool, "int8" -> byte, "uint8" -> byte, "int16" -> short, "uint16" -> short, "int32" -> int,
    "uint32" -> int, "int64" -> long, "uint64" -> long, "float32" -> float, "float64" -> double
  ).map { case (name, moves) => name -> new Element(name, moves.size, moves.put, moves.take) }

  /** The element of a zarr-java data type (a v2 or v3 DataType enum constant, named like the canonical type). */
  def element(dataType: dev.zarr.zarrjava.core.DataType): Element = dataType match {
    case constant: Enum[_] => elements(constant.name.toLowerCase(Locale.ROOT))
    case other             => throw new IllegalStateException(s"unknown zarr-java data type $other")
  }

  def hex(bytes: Array[Byte]): String = HexFormat.of().formatHex(bytes)

  /** The tagged fill value of a parsed fill value: its little-endian bytes in hex, or null when undefined. */
  def fillValue(parsed: Any, element: Element): Any =
    Option(parsed).map(value => Map("hex" -> hex(element.fillBytes(value)))).orNull

  /** Every element of a ucar.ma2 array, in logical C order, as little-endian bytes. */
  def toBytes(values: ma2.Array, element: Element): Array[Byte] = {
    val out = ByteBuffer.allocate(Math.toIntExact(values.getSize * element.size)).order(ByteOrder.LITTLE_ENDIAN)
    val it = values.getIndexIterator
    while (it.hasNext) element.put(out, it)
    out.array()
  }

  /** A ucar.ma2 array of the given type and shape filled from little-endian C-order bytes. */
  def fromBytes(raw: Array[Byte], element: Element, shape: Array[Int], ma2Type: ma2.DataType): ma2.Array = {
    val values = ma2.Array.factory(ma2Type, shape)
    require(raw.length == values.getSize * element.size,
      s"${raw.length} bytes cannot hold ${values.getSize} elements of ${element.name}")
    val in = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN)
    val it = values.getIndexIterator
    while (it.hasNext) element.take(in, it)
    values
  }
}
