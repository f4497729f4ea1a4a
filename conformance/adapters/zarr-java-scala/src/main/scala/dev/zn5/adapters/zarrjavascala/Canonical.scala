package dev.zn5.adapters.zarrjavascala

import java.nio.{ByteBuffer, ByteOrder}
import java.util.{HexFormat, Locale}

import ucar.ma2

/**
 * The canonical forms of the protocol: element types by their canonical names, and values as raw
 * little-endian C-order bytes (which the adapter kit writes and reads as `array.json` + `array.bin`).
 */
object Canonical {

  /** An element type zarr-java has, with how one element moves between a ucar.ma2 iterator and bytes. */
  sealed abstract class Element(val name: String, val size: Int) {
    def put(out: ByteBuffer, from: ma2.IndexIterator): Unit
    def take(in: ByteBuffer, to: ma2.IndexIterator): Unit
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

  private final class Bytes1(name: String) extends Element(name, 1) {
    def put(out: ByteBuffer, from: ma2.IndexIterator): Unit = out.put(from.getByteNext)
    def take(in: ByteBuffer, to: ma2.IndexIterator): Unit = to.setByteNext(in.get)
  }
  private final class Bytes2(name: String) extends Element(name, 2) {
    def put(out: ByteBuffer, from: ma2.IndexIterator): Unit = out.putShort(from.getShortNext)
    def take(in: ByteBuffer, to: ma2.IndexIterator): Unit = to.setShortNext(in.getShort)
  }
  private final class Bytes4(name: String) extends Element(name, 4) {
    def put(out: ByteBuffer, from: ma2.IndexIterator): Unit = out.putInt(from.getIntNext)
    def take(in: ByteBuffer, to: ma2.IndexIterator): Unit = to.setIntNext(in.getInt)
  }
  private final class Bytes8(name: String) extends Element(name, 8) {
    def put(out: ByteBuffer, from: ma2.IndexIterator): Unit = out.putLong(from.getLongNext)
    def take(in: ByteBuffer, to: ma2.IndexIterator): Unit = to.setLongNext(in.getLong)
  }
  private object Bool extends Element("bool", 1) {
    def put(out: ByteBuffer, from: ma2.IndexIterator): Unit = out.put((if (from.getBooleanNext) 1 else 0).toByte)
    def take(in: ByteBuffer, to: ma2.IndexIterator): Unit = to.setBooleanNext(in.get != 0)
  }
  private object Float32 extends Element("float32", 4) {
    def put(out: ByteBuffer, from: ma2.IndexIterator): Unit = out.putFloat(from.getFloatNext)
    def take(in: ByteBuffer, to: ma2.IndexIterator): Unit = to.setFloatNext(in.getFloat)
  }
  private object Float64 extends Element("float64", 8) {
    def put(out: ByteBuffer, from: ma2.IndexIterator): Unit = out.putDouble(from.getDoubleNext)
    def take(in: ByteBuffer, to: ma2.IndexIterator): Unit = to.setDoubleNext(in.getDouble)
  }

  val elements: Map[String, Element] = Seq[Element](
    Bool, new Bytes1("int8"), new Bytes1("uint8"), new Bytes2("int16"), new Bytes2("uint16"),
    new Bytes4("int32"), new Bytes4("uint32"), new Bytes8("int64"), new Bytes8("uint64"), Float32, Float64
  ).map(element => element.name -> element).toMap

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
