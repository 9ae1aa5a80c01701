import Foundation

/// Prometheus text exposition parsed by the `prometheus_client` package's own parser, as a scraper would read it.
public enum PrometheusSamples {
    /// The samples of a text-format file or an `http://` URL, as `name{label=value,...}` → value, labels sorted by
    /// name and those in `ignoring` left out (e.g. `activity`, whose ARN a test does not want to spell).
    public static func read(_ pathOrURL: String, ignoring: Set<String> = []) throws -> [String: Double] {
        let code = """
            import json, sys, urllib.request
            from prometheus_client.parser import text_string_to_metric_families
            source, ignored = sys.argv[1], set(filter(None, sys.argv[2].split(",")))
            if source.startswith("http://"):
                text = urllib.request.urlopen(source, timeout=30).read().decode()
            else:
                text = open(source).read()
            out = {}
            for family in text_string_to_metric_families(text):
                for s in family.samples:
                    labels = ",".join(f"{k}={v}" for k, v in sorted(s.labels.items()) if k not in ignored)
                    out[f"{s.name}{{{labels}}}"] = s.value
            print(json.dumps(out))
            """
        let text = try Python.run(code, [pathOrURL, ignoring.sorted().joined(separator: ",")])
        guard let samples = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Double] else {
            throw Python.Failure(status: 0, stderr: "prometheus_client's samples are not a name → number map: \(text)")
        }
        return samples
    }
}
