import AWS
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// A request before addressing and signing.
struct S3Request: Sendable {
    /// The S3 operation, for errors and logs.
    var operation: String
    var method: HTTPMethod
    var bucket: String?
    var key: String?
    /// Decoded query parameters; an empty value is sent as a bare name (`?uploads`).
    var query: [(name: String, value: String)] = []
    /// Headers to send and sign (besides `Host` and those the signer adds).
    var headers: [(name: String, value: String)] = []
    var body: [UInt8] = []
}

/// Work an operation keeps across its attempts (bytes received by a resumed GET), for ``S3Client/retrying``.
final class RetryProgress {
    var units = 0
}

/// A complete answer.
struct S3Response: Sendable {
    var status: Int
    var headers: HTTPHeaders
    var body: [UInt8]
}

extension S3Client {
    /// The request URL, the `Host` header and the signed path for `bucket`/`key`, path- or virtual-host style.
    func address(bucket: String?, key: String?) -> (url: String, host: String, path: String) {
        let endpoint = configuration.endpoint
        var basePath = endpoint.path(percentEncoded: true)
        while basePath.hasSuffix("/") { basePath.removeLast() }
        let encodedKey = key.map { "/" + URIEncoding.encodePath($0) } ?? ""
        var host = AWSHTTP.hostHeader(endpoint)
        let path: String
        if let bucket {
            if usesPathStyle(bucket: bucket) {
                path = basePath + "/" + URIEncoding.encode(Substring(bucket)) + encodedKey
            } else {
                host = bucket + "." + host
                path = basePath + (encodedKey.isEmpty ? "/" : encodedKey)
            }
        } else {
            path = basePath.isEmpty ? "/" : basePath
        }
        let scheme = endpoint.scheme?.lowercased() ?? "https"
        return ("\(scheme)://\(host)\(path)", host, path)
    }

    /// `name=value&…` for the URL, encoded as SigV4's canonical query encodes it.
    static func queryString(_ query: [(name: String, value: String)]) -> String {
        query.map { item in
            let name = URIEncoding.encode(Substring(item.name))
            return item.value.isEmpty ? name : name + "=" + URIEncoding.encode(Substring(item.value))
        }.joined(separator: "&")
    }

    /// Signs and sends `request` once and returns the answer's head with its body still streaming. Transport
    /// failures become ``S3Error/Code/network``.
    func sendOnce(_ request: S3Request) async throws -> HTTPClientResponse {
        let credentials = try await credentialProvider.credentials()
        AWSMetrics.requestSent(service: "s3", operation: request.operation)
        AWSMetrics.bytes(service: "s3", operation: request.operation, direction: "sent", count: request.body.count)
        let (url, host, path) = address(bucket: request.bucket, key: request.key)
        var headers: [(name: String, value: String)] = [("Host", host)]
        headers.append(contentsOf: request.headers)
        let signature = signer.sign(
            SigV4Signer.Request(
                method: request.method.rawValue,
                path: path,
                query: request.query,
                headers: headers,
                body: request.body
            ),
            credentials: credentials
        )
        headers.append(contentsOf: signature.headers)

        let query = Self.queryString(request.query)
        var httpRequest = HTTPClientRequest(url: query.isEmpty ? url : url + "?" + query)
        httpRequest.method = request.method
        for (name, value) in headers { httpRequest.headers.add(name: name, value: value) }
        if !request.body.isEmpty || [.PUT, .POST].contains(request.method) {
            httpRequest.body = .bytes(ByteBuffer(bytes: request.body))
        }
        do {
            return try await httpClient.execute(
                httpRequest,
                timeout: AWSHTTP.timeAmount(configuration.requestTimeout),
                logger: logger
            )
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            if Task.isCancelled { throw CancellationError() }
            throw S3Error(
                operation: request.operation,
                bucket: request.bucket,
                key: request.key,
                code: .network,
                message: "no answer from \(AWSHTTP.describe(configuration.endpoint)): "
                    + AWSHTTP.describeTransportError(error)
            )
        }
    }

    /// Sends `request` with retries and returns the complete answer; a status outside 200–299, or a 200 whose body
    /// is an `<Error>` document (S3 does that for CompleteMultipartUpload and CopyObject), throws ``S3Error``.
    func perform(_ request: S3Request, maxBodyBytes: Int = 64 << 20) async throws -> S3Response {
        try await retrying(request.operation, bucket: request.bucket, key: request.key) { _ in
            let response = try await sendOnce(request)
            let status = Int(response.status.code)
            let body: [UInt8]
            do {
                body = Array(try await response.body.collect(upTo: maxBodyBytes).readableBytesView)
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                if Task.isCancelled { throw CancellationError() }
                throw S3Error(
                    operation: request.operation,
                    bucket: request.bucket,
                    key: request.key,
                    code: .network,
                    message: "the answer's body broke off: \(AWSHTTP.describeTransportError(error))",
                    httpStatus: status,
                    requestId: response.headers.first(name: "x-amz-request-id")
                )
            }
            AWSMetrics.bytes(service: "s3", operation: request.operation, direction: "received", count: body.count)
            guard (200..<300).contains(status) else {
                throw Self.error(for: request, status: status, headers: response.headers, body: body)
            }
            if status == 200, request.method == .POST || request.method == .PUT, body.count < 4096,
                let root = XMLNode.parse(body), root.name == "Error"
            {
                throw Self.error(for: request, status: 200, headers: response.headers, body: body)
            }
            return S3Response(status: status, headers: response.headers, body: body)
        }
    }

    /// Runs `attempt` until it succeeds, fails with an error that is not retryable, or the retry policy's attempts
    /// in a row are spent. `progress` counts work kept across attempts (bytes of a resumed GET): a failure after
    /// progress starts the count of failures in a row afresh. An `ExpiredToken` answer makes the credential chain
    /// resolve again, once.
    func retrying<T>(
        _ operation: String,
        bucket: String?,
        key: String?,
        progress: RetryProgress? = nil,
        _ attempt: (Int) async throws -> T
    ) async throws -> T {
        let policy = configuration.retryPolicy
        var attempts = 0
        var failuresInARow = 0
        var refreshedCredentials = false
        var lastProgress = progress?.units ?? 0
        while true {
            attempts += 1
            do {
                return try await attempt(attempts)
            } catch var error as S3Error {
                error.attempts = attempts
                if error.code == .expiredToken, !refreshedCredentials,
                    let chain = credentialProvider as? CredentialProviderChain
                {
                    refreshedCredentials = true
                    await chain.invalidate()
                    continue
                }
                let now = progress?.units ?? 0
                if now > lastProgress {
                    failuresInARow = 0
                    lastProgress = now
                }
                failuresInARow += 1
                guard error.isRetryable, failuresInARow < policy.maxAttempts else {
                    logger.debug("S3 call failed", metadata: ["operation": "\(operation)", "error": "\(error)"])
                    throw error
                }
                let delay = policy.delay(forRetry: failuresInARow - 1)
                AWSMetrics.retried(service: "s3", operation: operation, cause: "\(error.code)")
                logger.info(
                    "retrying S3 call",
                    metadata: [
                        "operation": "\(operation)", "location": "\(error.location)", "attempt": "\(attempts)",
                        "code": "\(error.code)", "status": "\(error.httpStatus.map(String.init) ?? "-")",
                        "delay": "\(delay)",
                    ]
                )
                try await Task.sleep(for: delay)
            }
        }
    }

    /// The ``S3Error`` for a failed answer: code and message from its `<Error>` document, else from the status
    /// (HEAD answers have no body: 404 is `NoSuchKey`, 403 `AccessDenied`).
    static func error(for request: S3Request, status: Int, headers: HTTPHeaders, body: [UInt8]) -> S3Error {
        let document = XMLNode.parse(body).flatMap { $0.name == "Error" ? $0 : nil }
        let region = headers.first(name: "x-amz-bucket-region") ?? document?.value("Region")
        var code = document?.value("Code").map(S3Error.Code.init(rawValue:))
        var message = document?.value("Message") ?? ""
        if code == nil {
            (code, message) = Self.statusError(status, hasKey: request.key != nil)
        }
        if code == .permanentRedirect || status == 301 {
            code = .permanentRedirect
            message =
                region.map {
                    "the bucket is in region \($0): set AWS_REGION=\($0) (or point the endpoint at that region)"
                } ?? (message.isEmpty ? "the bucket is in another region" : message)
        } else if code == "AuthorizationHeaderMalformed", let region {
            message += " (the bucket's region is \(region))"
        }
        return S3Error(
            operation: request.operation,
            bucket: request.bucket,
            key: request.key,
            code: code ?? S3Error.Code(rawValue: "HTTP\(status)"),
            message: message.isEmpty ? "HTTP \(status)" : message,
            httpStatus: status,
            requestId: headers.first(name: "x-amz-request-id") ?? document?.value("RequestId"),
            bucketRegion: region
        )
    }

    /// Code and message for an answer without an `<Error>` document.
    static func statusError(_ status: Int, hasKey: Bool) -> (S3Error.Code, String) {
        switch status {
        case 301: (.permanentRedirect, "")
        case 400: ("BadRequest", "Bad Request")
        case 403: (.accessDenied, "Access Denied")
        case 404: hasKey ? (.noSuchKey, "The specified key does not exist.") : ("NotFound", "Not Found")
        case 405: ("MethodNotAllowed", "The specified method is not allowed against this resource.")
        case 412: (.preconditionFailed, "At least one of the preconditions you specified did not hold.")
        case 416: (.invalidRange, "The requested range is not satisfiable.")
        case 500: (.internalError, "We encountered an internal error. Please try again.")
        case 503: (.serviceUnavailable, "Service Unavailable")
        default: (S3Error.Code(rawValue: "HTTP\(status)"), "HTTP \(status)")
        }
    }
}
