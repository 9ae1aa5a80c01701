import Crypto
import Foundation

/// Signs HTTP requests with AWS Signature Version 4 (header-based signing).
///
/// The canonical request is `METHOD\nPATH\nQUERY\nHEADERS\n\nSIGNED-HEADERS\nHEX(SHA256(BODY))`, the string to
/// sign `AWS4-HMAC-SHA256\nDATE\nSCOPE\nHEX(SHA256(CANONICAL))`, and the key the HMAC-SHA256 chain over
/// `"AWS4" + secret`, the day, the region, the service and `aws4_request`.
///
/// For every service but S3 the path is normalised (`.`/`..` and empty segments removed) and each segment is
/// URI-encoded once more ("double encoding", as the path on the wire is already encoded once);
/// ``Options/s3`` turns both off.
public struct SigV4Signer: Sendable {
    /// Per-service signing behaviour.
    public struct Options: Sendable, Hashable {
        /// Remove `.`, `..` and empty segments from the path before signing (not for S3).
        public var normalizePath: Bool
        /// URI-encode each path segment when building the canonical path (S3 turns this off).
        public var encodePath: Bool
        /// Add and sign an `x-amz-content-sha256` header with the payload hash (S3 requires it).
        public var addContentSHA256Header: Bool
        /// Sign the `x-amz-security-token` header; when false it is still sent but added after signing.
        public var signSecurityToken: Bool

        /// Creates options.
        public init(
            normalizePath: Bool = true,
            encodePath: Bool = true,
            addContentSHA256Header: Bool = false,
            signSecurityToken: Bool = true
        ) {
            self.normalizePath = normalizePath
            self.encodePath = encodePath
            self.addContentSHA256Header = addContentSHA256Header
            self.signSecurityToken = signSecurityToken
        }

        /// Every service but S3: normalised, double-encoded path.
        public static let `default` = Options()
        /// S3: the path is used as given, and the payload hash is sent in `x-amz-content-sha256`.
        public static let s3 = Options(normalizePath: false, encodePath: false, addContentSHA256Header: true)
    }

    /// A request to sign. `path` is the path as sent on the request line; `query` holds decoded name/value pairs.
    public struct Request: Sendable {
        /// The HTTP method, e.g. `POST`.
        public var method: String
        /// The path, e.g. `/`.
        public var path: String
        /// Decoded query parameters, in any order.
        public var query: [(name: String, value: String)]
        /// The headers to sign, in any order; a name may repeat. Must include `Host`.
        public var headers: [(name: String, value: String)]
        /// The request body.
        public var body: [UInt8]

        /// Creates a request.
        public init(
            method: String,
            path: String,
            query: [(name: String, value: String)] = [],
            headers: [(name: String, value: String)],
            body: [UInt8] = []
        ) {
            self.method = method
            self.path = path
            self.query = query
            self.headers = headers
            self.body = body
        }
    }

    /// The outcome of signing: the headers to add to the request, plus the intermediate texts for diagnostics.
    /// None of its fields holds a secret; the session token is the caller's own.
    public struct Signature: Sendable {
        /// The `Authorization` header value.
        public var authorization: String
        /// The `X-Amz-Date` header value, e.g. `20150830T123600Z`.
        public var amzDate: String
        /// The `X-Amz-Security-Token` header value, for temporary credentials.
        public var securityToken: String?
        /// The `x-amz-content-sha256` header value, when ``Options/addContentSHA256Header`` is set.
        public var contentSHA256: String?
        /// The hex signature.
        public var signature: String
        /// The canonical request that was signed.
        public var canonicalRequest: String
        /// The string to sign.
        public var stringToSign: String
        /// The semicolon-separated signed header names.
        public var signedHeaders: String

        /// The headers to add to the request: `Authorization`, `X-Amz-Date`, and when present
        /// `X-Amz-Security-Token` and `x-amz-content-sha256`.
        public var headers: [(name: String, value: String)] {
            var result: [(name: String, value: String)] = [("X-Amz-Date", amzDate)]
            if let securityToken { result.append(("X-Amz-Security-Token", securityToken)) }
            if let contentSHA256 { result.append(("x-amz-content-sha256", contentSHA256)) }
            result.append(("Authorization", authorization))
            return result
        }
    }

    /// The region in the credential scope, e.g. `us-east-1`.
    public var region: String
    /// The signing name of the service, e.g. `states`.
    public var service: String
    /// Path and header behaviour.
    public var options: Options

    /// Creates a signer for one region and service.
    public init(region: String, service: String, options: Options = .default) {
        self.region = region
        self.service = service
        self.options = options
    }

    /// Signs `request` with `credentials` at `date`.
    public func sign(_ request: Request, credentials: AWSCredentials, date: Date = Date()) -> Signature {
        let amzDate = Self.amzDate(date)
        let day = String(amzDate.prefix(8))
        let payloadHash = Self.hexSHA256(request.body)

        var headers = request.headers
        headers.append(("X-Amz-Date", amzDate))
        if let token = credentials.sessionToken, options.signSecurityToken {
            headers.append(("X-Amz-Security-Token", token))
        }
        if options.addContentSHA256Header { headers.append(("x-amz-content-sha256", payloadHash)) }

        let (canonicalHeaders, signedHeaders) = Self.canonicalHeaders(headers)
        let canonicalRequest = [
            request.method.uppercased(),
            canonicalPath(request.path),
            Self.canonicalQuery(request.query),
            canonicalHeaders,
            signedHeaders,
            payloadHash,
        ].joined(separator: "\n")

        let scope = "\(day)/\(region)/\(service)/aws4_request"
        let stringToSign = [
            "AWS4-HMAC-SHA256", amzDate, scope, Self.hexSHA256(Array(canonicalRequest.utf8)),
        ].joined(separator: "\n")

        let key = signingKey(secret: credentials.secretAccessKey, day: day)
        let mac = HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), using: key)
        let signature = Self.hex(mac)
        let authorization =
            "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyId)/\(scope), "
            + "SignedHeaders=\(signedHeaders), Signature=\(signature)"
        return Signature(
            authorization: authorization,
            amzDate: amzDate,
            securityToken: credentials.sessionToken,
            contentSHA256: options.addContentSHA256Header ? payloadHash : nil,
            signature: signature,
            canonicalRequest: canonicalRequest,
            stringToSign: stringToSign,
            signedHeaders: signedHeaders
        )
    }

    /// The signing key: HMAC chain over `"AWS4" + secret`, day, region, service and `aws4_request`.
    func signingKey(secret: String, day: String) -> SymmetricKey {
        var key = SymmetricKey(data: Array(("AWS4" + secret).utf8))
        for part in [day, region, service, "aws4_request"] {
            let mac = HMAC<SHA256>.authenticationCode(for: Array(part.utf8), using: key)
            key = SymmetricKey(data: Array(mac))
        }
        return key
    }

    /// The canonical path: normalised and URI-encoded per segment according to ``options``.
    func canonicalPath(_ path: String) -> String {
        var path = path.isEmpty ? "/" : path
        if options.normalizePath { path = Self.normalize(path) }
        guard options.encodePath else { return path }
        return path.split(separator: "/", omittingEmptySubsequences: false)
            .map { URIEncoding.encode(Substring($0)) }
            .joined(separator: "/")
    }

    /// Removes empty, `.` and `..` segments, keeping the leading slash and a trailing slash.
    static func normalize(_ path: String) -> String {
        var segments: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch segment {
            case ".": continue
            case "..": if !segments.isEmpty { segments.removeLast() }
            default: segments.append(segment)
            }
        }
        var result = "/" + segments.joined(separator: "/")
        if path.hasSuffix("/") && !segments.isEmpty { result += "/" }
        return result
    }

    /// The canonical query: names and values URI-encoded, sorted by name then value, joined with `&`.
    static func canonicalQuery(_ query: [(name: String, value: String)]) -> String {
        var pairs: [(name: String, value: String)] = []
        for (name, value) in query {
            pairs.append((URIEncoding.encode(Substring(name)), URIEncoding.encode(Substring(value))))
        }
        pairs.sort { left, right in left.name == right.name ? left.value < right.value : left.name < right.name }
        return pairs.map { pair in pair.name + "=" + pair.value }.joined(separator: "&")
    }

    /// The canonical header block (each `name:value\n`) and the signed header list. Names are lower-cased and
    /// sorted; values trimmed with inner whitespace runs collapsed; repeated names joined with commas in order.
    static func canonicalHeaders(_ headers: [(name: String, value: String)]) -> (String, String) {
        var values: [String: [String]] = [:]
        for (name, value) in headers {
            values[name.lowercased(), default: []].append(collapseWhitespace(value))
        }
        let names = values.keys.sorted()
        var block = ""
        for name in names { block += "\(name):\(values[name]!.joined(separator: ","))\n" }
        return (block, names.joined(separator: ";"))
    }

    /// Trims a header value and replaces each inner run of whitespace (including folded lines) by one space.
    static func collapseWhitespace(_ value: String) -> String {
        var result = ""
        var pendingSpace = false
        for scalar in value.unicodeScalars {
            if scalar == " " || scalar == "\t" || scalar == "\r" || scalar == "\n" {
                pendingSpace = !result.isEmpty
            } else {
                if pendingSpace { result.append(" ") }
                pendingSpace = false
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// `yyyyMMdd'T'HHmmss'Z'` in UTC.
    static func amzDate(_ date: Date) -> String {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let (days, secondOfDay) = seconds.floorDivided(by: 86_400)
        let (year, month, day) = civilDate(daysSinceEpoch: days)
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        let datePart: String = pad(year, 4) + pad(month, 2) + pad(day, 2)
        let hours: String = pad(secondOfDay / 3600, 2)
        let minutes: String = pad(secondOfDay / 60 % 60, 2)
        let secs: String = pad(secondOfDay % 60, 2)
        return "\(datePart)T\(hours)\(minutes)\(secs)Z"
    }

    /// Proleptic Gregorian date from days since 1970-01-01 (Howard Hinnant's algorithm).
    private static func civilDate(daysSinceEpoch: Int) -> (Int, Int, Int) {
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// Lower-case hex SHA-256 of `bytes`.
    static func hexSHA256(_ bytes: [UInt8]) -> String { hex(SHA256.hash(data: bytes)) }

    static func hex<D: Sequence>(_ bytes: D) -> String where D.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension Int {
    fileprivate func floorDivided(by divisor: Int) -> (Int, Int) {
        let remainder = ((self % divisor) + divisor) % divisor
        return ((self - remainder) / divisor, remainder)
    }
}
