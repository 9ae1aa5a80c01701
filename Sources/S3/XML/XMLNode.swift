import Foundation

#if canImport(FoundationXML)
import FoundationXML
#endif

/// A parsed XML element: its local name, its text (the concatenated character data directly inside it) and its
/// child elements. S3's answers are small documents of this shape; they are read with Foundation's `XMLParser`,
/// never by searching the text.
struct XMLNode: Sendable, Hashable {
    /// The element's name without namespace prefix, e.g. `ListBucketResult`.
    var name: String
    /// The character data directly inside the element (not its children's).
    var text: String
    /// The child elements, in document order.
    var children: [XMLNode]

    /// The first child named `name`.
    func child(_ name: String) -> XMLNode? { children.first { $0.name == name } }

    /// Every child named `name`, in order.
    func children(_ name: String) -> [XMLNode] { children.filter { $0.name == name } }

    /// The text of the first child named `name`.
    func value(_ name: String) -> String? { child(name)?.text }

    /// Parses `bytes` into its root element; `nil` when they are not well-formed XML.
    static func parse(_ bytes: [UInt8]) -> XMLNode? {
        let parser = XMLParser(data: Data(bytes))
        parser.shouldProcessNamespaces = true
        parser.shouldReportNamespacePrefixes = false
        parser.shouldResolveExternalEntities = false
        let builder = XMLTreeBuilder()
        parser.delegate = builder
        guard parser.parse(), builder.stack.isEmpty else { return nil }
        return builder.root
    }
}

/// The `XMLParser` delegate that assembles ``XMLNode``s.
private final class XMLTreeBuilder: NSObject, XMLParserDelegate {
    var stack: [XMLNode] = []
    var root: XMLNode?

    func parser(
        _ parser: XMLParser,
        didStartElement elementName: String,
        namespaceURI: String?,
        qualifiedName qName: String?,
        attributes attributeDict: [String: String] = [:]
    ) {
        stack.append(XMLNode(name: elementName, text: "", children: []))
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        guard !stack.isEmpty else { return }
        stack[stack.count - 1].text += string
    }

    func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
        guard !stack.isEmpty else { return }
        stack[stack.count - 1].text += String(decoding: CDATABlock, as: UTF8.self)
    }

    func parser(
        _ parser: XMLParser,
        didEndElement elementName: String,
        namespaceURI: String?,
        qualifiedName qName: String?
    ) {
        guard let node = stack.popLast() else { return }
        if stack.isEmpty {
            root = node
        } else {
            stack[stack.count - 1].children.append(node)
        }
    }
}

/// Builds the small XML request bodies S3 takes (CompleteMultipartUpload, Delete).
struct XMLWriter {
    private(set) var text = #"<?xml version="1.0" encoding="UTF-8"?>"#

    /// Opens `name`, with the S3 namespace when `namespace` is set.
    mutating func open(_ name: String, namespace: Bool = false) {
        text += namespace ? #"<\#(name) xmlns="http://s3.amazonaws.com/doc/2006-03-01/">"# : "<\(name)>"
    }

    /// Closes `name`.
    mutating func close(_ name: String) { text += "</\(name)>" }

    /// `<name>escaped value</name>`.
    mutating func element(_ name: String, _ value: String) {
        text += "<\(name)>\(Self.escape(value))</\(name)>"
    }

    /// Escapes the characters XML reserves, and carriage returns and tabs (which a parser would otherwise normalise).
    static func escape(_ value: String) -> String {
        var out = ""
        out.reserveCapacity(value.utf8.count)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\r": out += "&#13;"
            case "\n": out += "&#10;"
            case "\t": out += "&#9;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// The document as UTF-8.
    var bytes: [UInt8] { Array(text.utf8) }
}
