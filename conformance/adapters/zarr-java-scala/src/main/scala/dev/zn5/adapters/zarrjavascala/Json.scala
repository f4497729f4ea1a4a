package dev.zn5.adapters.zarrjavascala

import com.fasterxml.jackson.databind.node.{ArrayNode, JsonNodeFactory, ObjectNode}
import com.fasterxml.jackson.databind.{JsonNode, ObjectMapper}

import scala.jdk.CollectionConverters._

/** JSON through Jackson's tree model, built from plain Scala values: the protocol's only JSON library. */
object Json {

  val mapper: ObjectMapper = new ObjectMapper()
  private val nodes = JsonNodeFactory.instance

  /** A JSON object from members in order; a value is any value [[apply]] takes. */
  def obj(members: (String, Any)*): ObjectNode = {
    val node = nodes.objectNode()
    members.foreach { case (name, value) => node.set[JsonNode](name, apply(value)) }
    node
  }

  /** The JSON form of a Scala value: null, None, Boolean, numbers, String, Option, Seq, Array, Map or a JsonNode. */
  def apply(value: Any): JsonNode = value match {
    case null | None              => nodes.nullNode()
    case Some(inner)              => apply(inner)
    case node: JsonNode           => node
    case text: String             => nodes.textNode(text)
    case flag: Boolean            => nodes.booleanNode(flag)
    case number: Int              => nodes.numberNode(number)
    case number: Long             => nodes.numberNode(number)
    case number: Double           => nodes.numberNode(number)
    case map: collection.Map[_, _] =>
      val node = nodes.objectNode()
      map.foreach { case (name, item) => node.set[JsonNode](name.toString, apply(item)) }
      node
    case items: Iterable[_]       => array(items)
    case items: Array[_]          => array(items)
    case other                    => mapper.valueToTree[JsonNode](other)
  }

  private def array(items: Iterable[_]): ArrayNode = {
    val node = nodes.arrayNode()
    items.foreach(item => node.add(apply(item)))
    node
  }

  def parse(line: String): Option[ObjectNode] =
    scala.util.Try(mapper.readTree(line)).toOption.collect { case node: ObjectNode => node }

  def render(node: JsonNode): String = mapper.writeValueAsString(node)

  /** Helpers to read the case JSON. */
  implicit final class Reading(private val node: JsonNode) extends AnyVal {
    def text(path: String): String = node.at(path).asText()
    def opt(path: String): Option[JsonNode] = Option(node.at(path)).filterNot(n => n.isMissingNode || n.isNull)
    def items: Seq[JsonNode] = node.elements().asScala.toSeq
    def members: Seq[(String, JsonNode)] = node.properties().asScala.map(entry => entry.getKey -> entry.getValue).toSeq
    def ints: Array[Int] = items.map(_.asInt).toArray
    def longs: Array[Long] = items.map(_.asLong).toArray
  }
}
