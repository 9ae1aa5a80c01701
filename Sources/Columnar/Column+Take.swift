extension Column {
    /// The rows at `indices`, in that order (indices may repeat). Every index must be in `0..<count`.
    public func take(_ indices: [Int32]) -> Column {
        indices.withUnsafeBufferPointer { takeImpl($0) }
    }

    /// The rows at `indices`, in that order (indices may repeat). Every index must be in `0..<count`.
    public func take(_ indices: [Int]) -> Column {
        indices.withUnsafeBufferPointer { takeImpl($0) }
    }

    /// The rows at `indices`, in that order (indices may repeat). Every index must be in `0..<count`.
    public func take(_ indices: UnsafeBufferPointer<Int32>) -> Column {
        takeImpl(indices)
    }

    @inline(__always)
    private func takeImpl<I: BinaryInteger>(_ indices: UnsafeBufferPointer<I>) -> Column {
        let values: ColumnValues =
            switch self.values {
            case .boolean(let v): .boolean(gatherElements(v, indices))
            case .int32(let v): .int32(gatherElements(v, indices))
            case .int64(let v): .int64(gatherElements(v, indices))
            case .float(let v): .float(gatherElements(v, indices))
            case .double(let v): .double(gatherElements(v, indices))
            case .bytes(let v): .bytes(gatherBytes(v, indices))
            }
        let validity = self.validity.map { gatherElements($0, indices) }
        return Column(type: type, values: values, validity: validity)
    }

    /// Gathers rows from several columns of this column's type: output row `i` is row `references[i].row` of
    /// `sources[references[i].source]`. All sources must have the same type.
    public static func gather(_ references: [RowReference], from sources: [Column]) -> Column {
        precondition(!sources.isEmpty, "gather needs at least one source column")
        return gather(GatherPlan(references, sourceCount: sources.count), from: sources)
    }

    /// Gathers by a plan built once for several columns.
    static func gather(_ plan: GatherPlan, from sources: [Column]) -> Column {
        let type = sources[0].type
        let values: ColumnValues
        switch sources[0].values {
        case .boolean:
            values = .boolean(plan.scatter(sources.map { if case .boolean(let v) = $0.values { v } else { [] } }))
        case .int32:
            values = .int32(plan.scatter(sources.map { if case .int32(let v) = $0.values { v } else { [] } }))
        case .int64:
            values = .int64(plan.scatter(sources.map { if case .int64(let v) = $0.values { v } else { [] } }))
        case .float:
            values = .float(plan.scatter(sources.map { if case .float(let v) = $0.values { v } else { [] } }))
        case .double:
            values = .double(plan.scatter(sources.map { if case .double(let v) = $0.values { v } else { [] } }))
        case .bytes:
            values = .bytes(
                plan.scatterBytes(sources.map { if case .bytes(let v) = $0.values { v } else { ByteArrays() } })
            )
        }
        var validity: [Bool]? = nil
        if sources.contains(where: { $0.validity != nil }) {
            validity = plan.scatterValidity(sources.map(\.validity))
        }
        return Column(type: type, values: values, validity: validity)
    }
}

/// Copies `values[indices[k]]` for every `k` into a new array.
@inline(__always)
func gatherElements<T, I: BinaryInteger>(_ values: [T], _ indices: UnsafeBufferPointer<I>) -> [T] {
    values.withUnsafeBufferPointer { source in
        [T](unsafeUninitializedCapacity: indices.count) { destination, initialized in
            let base = destination.baseAddress!
            for k in 0..<indices.count {
                (base + k).initialize(to: source[Int(indices[k])])
            }
            initialized = indices.count
        }
    }
}

/// Copies the byte values at `indices` into a new ``ByteArrays``.
@inline(__always)
func gatherBytes<I: BinaryInteger>(_ values: ByteArrays, _ indices: UnsafeBufferPointer<I>) -> ByteArrays {
    values.offsets.withUnsafeBufferPointer { offsets in
        var total = 0
        for k in 0..<indices.count {
            let i = Int(indices[k])
            total += offsets[i + 1] &- offsets[i]
        }
        let newOffsets = [Int](unsafeUninitializedCapacity: indices.count + 1) { out, n in
            out[0] = 0
            var position = 0
            for k in 0..<indices.count {
                let i = Int(indices[k])
                position += offsets[i + 1] &- offsets[i]
                out[k + 1] = position
            }
            n = indices.count + 1
        }
        let data = values.data.withUnsafeBufferPointer { source in
            [UInt8](unsafeUninitializedCapacity: total) { out, n in
                var position = 0
                for k in 0..<indices.count {
                    let i = Int(indices[k])
                    let start = offsets[i]
                    let length = offsets[i + 1] &- start
                    if length > 0 {
                        (out.baseAddress! + position).initialize(from: source.baseAddress! + start, count: length)
                    }
                    position += length
                }
                n = total
            }
        }
        return ByteArrays(offsets: newOffsets, data: data)
    }
}

/// Output positions grouped by source, so that each source is read through one buffer pointer.
struct GatherPlan {
    /// `sourceStart[s] ..< sourceStart[s + 1]` is the range of `positions`/`rows` that reads source `s`.
    var sourceStart: [Int]
    /// Output position of each pick, grouped by source.
    var positions: [Int32]
    /// Row in its source of each pick, grouped by source.
    var rows: [UInt32]
    /// Number of output rows.
    var count: Int

    init(_ references: [RowReference], sourceCount: Int) {
        count = references.count
        var start = [Int](repeating: 0, count: sourceCount + 1)
        references.withUnsafeBufferPointer { refs in
            for r in refs { start[Int(r.source) + 1] += 1 }
        }
        for s in 0..<sourceCount { start[s + 1] += start[s] }
        sourceStart = start
        var next = start
        var positions = [Int32](repeating: 0, count: references.count)
        var rows = [UInt32](repeating: 0, count: references.count)
        references.withUnsafeBufferPointer { refs in
            positions.withUnsafeMutableBufferPointer { positions in
                rows.withUnsafeMutableBufferPointer { rows in
                    for k in 0..<refs.count {
                        let s = Int(refs[k].source)
                        let slot = next[s]
                        next[s] = slot + 1
                        positions[slot] = Int32(k)
                        rows[slot] = refs[k].row
                    }
                }
            }
        }
        self.positions = positions
        self.rows = rows
    }

    /// Output row `i` taken from its source's array.
    func scatter<T>(_ sources: [[T]]) -> [T] {
        guard count > 0 else { return [] }
        return [T](unsafeUninitializedCapacity: count) { destination, initialized in
            let base = destination.baseAddress!
            positions.withUnsafeBufferPointer { positions in
                rows.withUnsafeBufferPointer { rows in
                    for s in 0..<sources.count where sourceStart[s] < sourceStart[s + 1] {
                        sources[s].withUnsafeBufferPointer { source in
                            for k in sourceStart[s]..<sourceStart[s + 1] {
                                (base + Int(positions[k])).initialize(to: source[Int(rows[k])])
                            }
                        }
                    }
                }
            }
            initialized = count
        }
    }

    /// The validity of each output row; a source without validity has no nulls.
    func scatterValidity(_ sources: [[Bool]?]) -> [Bool] {
        var result = [Bool](repeating: true, count: count)
        result.withUnsafeMutableBufferPointer { result in
            positions.withUnsafeBufferPointer { positions in
                rows.withUnsafeBufferPointer { rows in
                    for s in 0..<sources.count where sourceStart[s] < sourceStart[s + 1] {
                        guard let validity = sources[s] else { continue }
                        validity.withUnsafeBufferPointer { valid in
                            for k in sourceStart[s]..<sourceStart[s + 1] {
                                result[Int(positions[k])] = valid[Int(rows[k])]
                            }
                        }
                    }
                }
            }
        }
        return result
    }

    /// Output row `i` taken from its source's byte arrays.
    func scatterBytes(_ sources: [ByteArrays]) -> ByteArrays {
        guard count > 0 else { return ByteArrays() }
        // Lengths of the picked values first, then offsets, then the bytes.
        var lengths = [Int](repeating: 0, count: count)
        lengths.withUnsafeMutableBufferPointer { lengths in
            positions.withUnsafeBufferPointer { positions in
                rows.withUnsafeBufferPointer { rows in
                    for s in 0..<sources.count where sourceStart[s] < sourceStart[s + 1] {
                        sources[s].offsets.withUnsafeBufferPointer { o in
                            for k in sourceStart[s]..<sourceStart[s + 1] {
                                let row = Int(rows[k])
                                lengths[Int(positions[k])] = o[row + 1] - o[row]
                            }
                        }
                    }
                }
            }
        }
        var offsets = [Int](repeating: 0, count: count + 1)
        for i in 0..<count { offsets[i + 1] = offsets[i] + lengths[i] }
        let total = offsets[count]
        let data = [UInt8](unsafeUninitializedCapacity: total) { destination, initialized in
            offsets.withUnsafeBufferPointer { offsets in
                positions.withUnsafeBufferPointer { positions in
                    rows.withUnsafeBufferPointer { rows in
                        for s in 0..<sources.count where sourceStart[s] < sourceStart[s + 1] {
                            sources[s].offsets.withUnsafeBufferPointer { sourceOffsets in
                                sources[s].data.withUnsafeBufferPointer { source in
                                    for k in sourceStart[s]..<sourceStart[s + 1] {
                                        let row = Int(rows[k])
                                        let start = sourceOffsets[row]
                                        let length = sourceOffsets[row + 1] - start
                                        if length > 0 {
                                            (destination.baseAddress! + offsets[Int(positions[k])])
                                                .initialize(from: source.baseAddress! + start, count: length)
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            initialized = total
        }
        return ByteArrays(offsets: offsets, data: data)
    }
}
