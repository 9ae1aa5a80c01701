/// A job-file path with `${name}` parameters, such as `s3://${bucket}/sales/`.
///
/// `${name}` is replaced by the parameter's value; names are `[A-Za-z_][A-Za-z0-9_]*`. `$${` is a literal `${`;
/// any other `$` is itself.
public struct JobPathTemplate: Sendable, Hashable {
    /// One piece of a template.
    public enum Piece: Sendable, Hashable {
        /// Text taken as it is.
        case literal(String)
        /// A `${name}` parameter.
        case parameter(String)
    }

    /// A template that is not well formed: a `${` without a valid name and a closing `}`.
    public struct SyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
        /// The template's text.
        public var text: String
        /// The character offset of the `${` at fault.
        public var offset: Int

        /// Creates an error.
        public init(text: String, offset: Int) {
            self.text = text
            self.offset = offset
        }

        public var description: String {
            "malformed parameter at character \(offset + 1) of \"\(text)\": expected ${NAME} with NAME made of "
                + "letters, digits and _ not starting with a digit (write $${ for a literal ${)"
        }
    }

    /// The template's text, as written.
    public var text: String
    /// The pieces, in order; adjacent literals are merged.
    public var pieces: [Piece]

    /// Parses `text`.
    ///
    /// - Throws: ``SyntaxError`` for a `${` that is not a well-formed parameter.
    public init(_ text: String) throws(SyntaxError) {
        self.text = text
        var pieces: [Piece] = []
        var literal = ""
        let characters = Array(text)
        var index = 0
        func flush() {
            if !literal.isEmpty { pieces.append(.literal(literal)) }
            literal = ""
        }
        while index < characters.count {
            let character = characters[index]
            let next = index + 1 < characters.count ? characters[index + 1] : nil
            if character == "$", next == "$", index + 2 < characters.count, characters[index + 2] == "{" {
                literal += "${"
                index += 3
            } else if character == "$", next == "{" {
                guard let close = characters[(index + 2)...].firstIndex(of: "}") else {
                    throw SyntaxError(text: text, offset: index)
                }
                let name = String(characters[(index + 2)..<close])
                guard Self.isValidName(name) else { throw SyntaxError(text: text, offset: index) }
                flush()
                pieces.append(.parameter(name))
                index = close + 1
            } else {
                literal.append(character)
                index += 1
            }
        }
        flush()
        self.pieces = pieces
    }

    /// The parameter names used, in order of first use.
    public var parameterNames: [String] {
        var seen = Set<String>()
        return pieces.compactMap { piece in
            guard case .parameter(let name) = piece, seen.insert(name).inserted else { return nil }
            return name
        }
    }

    /// The text with every parameter replaced by `value(name)`; `nil` names the first parameter without a value.
    public func filled(_ value: (String) -> String?) -> Result<String, UnfilledName> {
        var result = ""
        for piece in pieces {
            switch piece {
            case .literal(let text): result += text
            case .parameter(let name):
                guard let filled = value(name) else { return .failure(UnfilledName(name: name)) }
                result += filled
            }
        }
        return .success(result)
    }

    /// The name of a parameter that has no value.
    public struct UnfilledName: Error, Sendable, Hashable {
        /// The parameter's name.
        public var name: String
    }

    /// Whether `name` is a valid parameter name: `[A-Za-z_][A-Za-z0-9_]*`.
    public static func isValidName(_ name: String) -> Bool {
        guard let first = name.utf8.first, first == UInt8(ascii: "_") || isLetter(first) else { return false }
        return name.utf8.allSatisfy { $0 == UInt8(ascii: "_") || isLetter($0) || (0x30...0x39).contains($0) }
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
    }
}
