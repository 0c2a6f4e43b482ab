import { XMLParser } from 'fast-xml-parser';
import { EinthovenError } from '../../errors';
import { decodeText } from '../text';

export type XmlNode = { [key: string]: XmlValue };
export type XmlValue = string | XmlNode | XmlValue[];

const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Resolves only the predefined and numeric entities (DOCTYPE entities are never expanded). */
export function unescapeXml(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (_, name: string) => {
    if (name[0] !== '#') return entities[name.toLowerCase()] ?? '';
    const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
    return code > 0 && code < 0x110000 ? String.fromCodePoint(code) : '';
  });
}

/**
 * Parses XML bytes (BOM/UTF-16/ISO-8859-1 aware) into plain objects. Values stay strings,
 * namespace prefixes are removed, attributes are kept under '@_name' and entity expansion
 * is off so a hostile DOCTYPE cannot blow up memory.
 */
export function parseXml(fileName: string, bytes: Uint8Array, arrayTags: readonly string[] = []): XmlNode {
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    parseTagValue: false,
    parseAttributeValue: false,
    processEntities: false,
    removeNSPrefix: true,
    trimValues: true,
    isArray: (name) => arrayTags.includes(name),
  });
  try {
    return parser.parse(decodeText(bytes)) as XmlNode;
  } catch (error) {
    throw new EinthovenError('E_FORMAT', `${fileName}: malformed XML (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`);
  }
}

/** Child element (first when repeated); undefined when absent or text. */
export function child(node: XmlValue | undefined, name: string): XmlNode | undefined {
  if (node === undefined || typeof node === 'string' || Array.isArray(node)) return undefined;
  const value = node[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first !== undefined && typeof first !== 'string' && !Array.isArray(first) ? first : undefined;
}

/** All children with this name, as nodes or strings. */
export function children(node: XmlValue | undefined, name: string): XmlValue[] {
  if (node === undefined || typeof node === 'string' || Array.isArray(node)) return [];
  const value = node[name];
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/** Text content of a child (or of an element with attributes, its '#text'). */
export function text(node: XmlValue | undefined, name?: string): string | undefined {
  const value = name === undefined ? node : node !== undefined && typeof node !== 'string' && !Array.isArray(node) ? node[name] : undefined;
  const first = Array.isArray(value) ? value[0] : value;
  if (typeof first === 'string') return unescapeXml(first);
  if (first !== undefined && !Array.isArray(first) && typeof first['#text'] === 'string') return unescapeXml(first['#text']);
  return undefined;
}

/** Attribute value. */
export function attr(node: XmlValue | undefined, name: string): string | undefined {
  if (node === undefined || typeof node === 'string' || Array.isArray(node)) return undefined;
  const value = node[`@_${name}`];
  return typeof value === 'string' ? unescapeXml(value) : undefined;
}
