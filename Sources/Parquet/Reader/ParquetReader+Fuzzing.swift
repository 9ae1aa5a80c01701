import Columnar

/// Entry points for the libFuzzer target (`Sources/ParquetFuzzer`), not part of the supported API.
@_spi(Fuzzing)
public enum ParquetFuzzing {
    /// Limits small enough that no input can make the fuzzer run out of memory.
    static let options = ParquetReader.Options(
        maximumRowGroupRows: 1 << 12,
        maximumPageSize: 1 << 22,
        decodesColumnsInParallel: false,
        prefetchesRowGroups: false
    )

    /// Decodes `data` and discards the result; every failure must be a thrown ``ParquetError``.
    ///
    /// With `data[0]` even, `data[1...]` is a whole file: footer, then every column of every row group. With
    /// `data[0]` odd, `data[4...]` is one column chunk (page headers and pages) whose physical type, repetition,
    /// codec and row count come from `data[1...3]`, so that mutations reach the page decoders directly.
    /// Returns the number of rows decoded.
    @discardableResult
    public static func decode(_ data: [UInt8]) -> Int {
        guard let mode = data.first else { return 0 }
        if mode & 1 == 0 {
            return decodeFile(Array(data.dropFirst()))
        }
        guard data.count >= 4 else { return 0 }
        return decodeChunk(
            Array(data.dropFirst(4)),
            physical: data[1] & 7,
            optional: data[1] & 8 != 0,
            codec: data[2] & 3,
            rows: Int(data[3]) * 16 + 1
        )
    }

    static func decodeFile(_ bytes: [UInt8]) -> Int {
        do {
            let reader = try ParquetReader(bytes: bytes, name: "fuzz", options: options)
            var rows = 0
            for group in 0..<reader.rowGroupCount {
                do {
                    rows += try reader.readRowGroup(group).count
                } catch let error as ParquetError {
                    _ = error.description
                }
            }
            for predicate in [ParquetPredicate(reader.schema.names.first ?? "", .greater, .int(0))] {
                _ = try? reader.rowGroups(matching: predicate)
            }
            return rows
        } catch let error as ParquetError {
            _ = error.description
            return 0
        } catch {
            preconditionFailure("the reader threw a non-ParquetError: \(error)")
        }
    }

    static func decodeChunk(_ chunk: [UInt8], physical: UInt8, optional: Bool, codec: UInt8, rows: Int) -> Int {
        let physicalType = PhysicalType(rawValue: Int32(physical)) ?? .int32
        let element = SchemaElement(
            type: physicalType,
            typeLength: physicalType == .fixedLenByteArray ? 3 : nil,
            repetitionType: optional ? .optional : .required,
            name: "c"
        )
        let type: DataType
        do {
            type = try LeafColumn.dataType(of: element, physical: physicalType)
        } catch {
            return 0
        }
        let leaf = LeafColumn(
            index: 0,
            element: element,
            physicalType: physicalType,
            typeLength: physicalType == .fixedLenByteArray ? 3 : 0,
            maxDefinitionLevel: optional ? 1 : 0,
            field: Field("c", type, isNullable: optional)
        )
        let codecs: [CompressionCodec] = [.uncompressed, .snappy, .gzip, .zstd]
        var decoder = ColumnChunkDecoder(
            leaf: leaf,
            codec: codecs[Int(codec)],
            chunk: chunk,
            chunkOffset: 4,
            rowCount: rows,
            options: options
        )
        do {
            return try decoder.decode().count
        } catch let error as ParquetError {
            _ = error.description
            return 0
        } catch {
            preconditionFailure("the chunk decoder threw a non-ParquetError: \(error)")
        }
    }
}
