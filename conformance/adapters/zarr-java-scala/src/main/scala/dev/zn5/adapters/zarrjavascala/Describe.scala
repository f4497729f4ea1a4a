package dev.zn5.adapters.zarrjavascala

import com.scalableminds.bloscjava.Blosc
import dev.zarr.zarrjava.core.chunkkeyencoding.Separator
import dev.zarr.zarrjava.{v2, v3}
import dev.zarr.zarrjava.v3.chunkkeyencoding.{DefaultChunkKeyEncoding, V2ChunkKeyEncoding}
import dev.zarr.zarrjava.v3.codec.core._

import scala.collection.immutable.ListMap
import scala.jdk.CollectionConverters._

/**
 * The canonical description of a node (schemas/project/node.schema.json) from the metadata objects
 * zarr-java parsed, as ordered Scala maps. A Zarr v2 array gets the chain the core model gives it:
 * [transpose for order F], bytes with its dtype's byte order, its filters, its compressor.
 */
object Describe {

  type Description = ListMap[String, Any]

  def group(attributes: java.util.Map[String, AnyRef]): Description =
    ListMap("node_type" -> "group", "attributes" -> Json(attrs(attributes)))

  def apply(node: dev.zarr.zarrjava.core.Node): Description = node match {
    case array: v3.Array => v3Array(array.metadata())
    case array: v2.Array => v2Array(array.metadata())
    case group: v3.Group => Describe.group(group.metadata().attributes)
    case group: v2.Group => Describe.group(group.metadata().attributes)
    case other           => throw new IllegalStateException(s"zarr-java opened an unknown node $other")
  }

  private def attrs(attributes: java.util.Map[String, AnyRef]): Map[String, AnyRef] =
    Option(attributes).map(_.asScala.toMap).getOrElse(Map.empty)

  private def array(metadata: dev.zarr.zarrjava.core.ArrayMetadata, encoding: String, separator: Separator,
                    codecs: Seq[Description], dimensionNames: Option[Seq[String]],
                    attributes: java.util.Map[String, AnyRef]): Description = {
    val element = Canonical.element(metadata.dataType())
    ListMap(
      "node_type" -> "array",
      "shape" -> metadata.shape.toSeq,
      "data_type" -> element.name,
      "chunk_grid" -> ListMap("name" -> "regular", "chunk_shape" -> metadata.chunkShape().toSeq),
      "chunk_key_encoding" -> ListMap("name" -> encoding, "separator" -> separator.getValue),
      "fill_value" -> Canonical.fillValue(metadata.parsedFillValue, element),
      "codecs" -> codecs,
      "dimension_names" -> dimensionNames,
      "attributes" -> Json(attrs(attributes)))
  }

  def v3Array(metadata: v3.ArrayMetadata): Description = {
    val (encoding, separator) = metadata.chunkKeyEncoding match {
      case default: DefaultChunkKeyEncoding => ("default", default.configuration.separator)
      case v2Keys: V2ChunkKeyEncoding       => ("v2", v2Keys.configuration.separator)
      case other                            => throw new IllegalStateException(s"unknown chunk key encoding $other")
    }
    array(metadata, encoding, separator, v3Codecs(metadata.codecs.toSeq),
      Option(metadata.dimensionNames).map(_.toSeq), metadata.attributes)
  }

  private def codec(name: String, configuration: (String, Any)*): Description =
    ListMap("name" -> name, "configuration" -> ListMap(configuration: _*))

  def v3Codecs(codecs: Seq[v3.codec.Codec]): Seq[Description] = codecs.map {
    case bytes: BytesCodec =>
      codec("bytes", Option(bytes.configuration).flatMap(c => Option(c.endian)).map(e => "endian" -> endian(e)).toSeq: _*)
    case transpose: TransposeCodec => codec("transpose", "order" -> transpose.configuration.order.toSeq)
    case blosc: BloscCodec =>
      val c = blosc.configuration
      bloscCodec(c.cname, c.clevel, c.shuffle, c.typesize, c.blocksize)
    case gzip: GzipCodec   => codec("gzip", "level" -> gzip.configuration.level)
    case zstd: ZstdCodec   => codec("zstd", "level" -> zstd.configuration.level, "checksum" -> zstd.configuration.checksum)
    case _: Crc32cCodec    => codec("crc32c")
    case sharding: ShardingIndexedCodec =>
      val c = sharding.configuration
      codec("sharding_indexed",
        "chunk_shape" -> c.chunkShape.toSeq,
        "codecs" -> v3Codecs(c.codecs.toSeq),
        "index_codecs" -> v3Codecs(c.indexCodecs.toSeq),
        "index_location" -> c.indexLocation)
    case other => throw new IllegalStateException(s"unknown zarr-java codec ${other.getClass.getName}")
  }

  def v2Array(metadata: v2.ArrayMetadata): Description = {
    val ndim = metadata.ndim()
    val layout =
      if (metadata.order == v2.Order.F && ndim > 1) Seq(codec("transpose", "order" -> (ndim - 1 to 0 by -1)))
      else Seq.empty
    val bytes = metadata.endianness match {
      case v2.Endianness.UNSPECIFIED => codec("bytes")
      case v2.Endianness.LITTLE      => codec("bytes", "endian" -> "little")
      case _                         => codec("bytes", "endian" -> "big")
    }
    val compressors = (Option(metadata.filters).toSeq.flatMap(_.toSeq) ++ Option(metadata.compressor)).map {
      case blosc: v2.codec.core.BloscCodec => bloscCodec(blosc.cname, blosc.clevel, blosc.shuffle, blosc.typesize, blosc.blocksize)
      case zlib: v2.codec.core.ZlibCodec   => codec("numcodecs.zlib", "level" -> zlib.level)
      case other => throw new IllegalStateException(s"unknown zarr-java v2 codec ${other.getClass.getName}")
    }
    array(metadata, "v2", Option(metadata.dimensionSeparator).getOrElse(Separator.DOT),
      layout ++ (bytes +: compressors), None, metadata.attributes)
  }

  private def endian(value: dev.zarr.zarrjava.core.codec.core.BytesCodec.Endian): String =
    if (value == dev.zarr.zarrjava.core.codec.core.BytesCodec.Endian.LITTLE) "little" else "big"

  val shuffles: Map[Blosc.Shuffle, String] = Map(
    Blosc.Shuffle.NO_SHUFFLE -> "noshuffle", Blosc.Shuffle.BYTE_SHUFFLE -> "shuffle", Blosc.Shuffle.BIT_SHUFFLE -> "bitshuffle")

  private def bloscCodec(cname: Blosc.Compressor, clevel: Int, shuffle: Blosc.Shuffle, typesize: Int, blocksize: Int) =
    codec("blosc", Seq(
      Some("cname" -> cname.getValue), Some("clevel" -> clevel), Some("shuffle" -> shuffles(shuffle)),
      Option.when(typesize > 0)("typesize" -> typesize), Some("blocksize" -> blocksize)).flatten: _*)
}
