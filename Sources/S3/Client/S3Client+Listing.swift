import AWS
import Foundation

extension S3Client {
    /// `ListObjectsV2`: one page of the objects in `bucket` whose keys start with `prefix`, in key order.
    ///
    /// With a `delimiter`, keys with it after the prefix are rolled up into ``S3ListPage/commonPrefixes``.
    /// Keys are asked for URL-encoded (`encoding-type=url`) and decoded, so any key survives the XML.
    public func listObjectsV2(
        bucket: String,
        prefix: String = "",
        delimiter: String? = nil,
        startAfter: String? = nil,
        continuationToken: String? = nil,
        maxKeys: Int? = nil
    ) async throws -> S3ListPage {
        var request = S3Request(operation: "ListObjectsV2", method: .GET, bucket: bucket)
        request.query = [("list-type", "2"), ("encoding-type", "url")]
        if !prefix.isEmpty { request.query.append(("prefix", prefix)) }
        if let delimiter { request.query.append(("delimiter", delimiter)) }
        if let startAfter { request.query.append(("start-after", startAfter)) }
        if let continuationToken { request.query.append(("continuation-token", continuationToken)) }
        if let maxKeys { request.query.append(("max-keys", String(maxKeys))) }
        let response = try await perform(request)
        guard let root = XMLNode.parse(response.body), root.name == "ListBucketResult" else {
            throw Self.invalidResponse(request, "the answer is not a ListBucketResult", response)
        }
        let encoded = root.value("EncodingType")?.lowercased() == "url"
        func decode(_ text: String) -> String { encoded ? URIEncoding.decode(text, plusAsSpace: true) : text }
        var objects: [S3Object] = []
        for item in root.children("Contents") {
            guard let key = item.value("Key") else {
                throw Self.invalidResponse(request, "a Contents entry has no Key", response)
            }
            objects.append(
                S3Object(
                    key: decode(key),
                    size: item.value("Size").flatMap(Int.init) ?? 0,
                    eTag: item.value("ETag") ?? "",
                    lastModified: item.value("LastModified").flatMap(AWSHTTP.parseISO8601),
                    storageClass: item.value("StorageClass")
                )
            )
        }
        let prefixes = root.children("CommonPrefixes").compactMap { $0.value("Prefix").map(decode) }
        let truncated = root.value("IsTruncated") == "true"
        let token = root.value("NextContinuationToken").flatMap { $0.isEmpty ? nil : $0 }
        if truncated, token == nil {
            throw Self.invalidResponse(request, "a truncated listing without NextContinuationToken", response)
        }
        return S3ListPage(
            objects: objects,
            commonPrefixes: prefixes,
            isTruncated: truncated,
            nextContinuationToken: truncated ? token : nil
        )
    }

    /// Every object in `bucket` whose key starts with `prefix`, in key order, following continuation tokens
    /// (`maxKeys` per page, 1,000 when `nil`).
    public func listAllObjects(bucket: String, prefix: String = "", maxKeys: Int? = nil) async throws -> [S3Object] {
        var objects: [S3Object] = []
        var token: String?
        repeat {
            let page = try await listObjectsV2(
                bucket: bucket,
                prefix: prefix,
                continuationToken: token,
                maxKeys: maxKeys
            )
            objects.append(contentsOf: page.objects)
            token = page.nextContinuationToken
        } while token != nil
        return objects
    }
}
