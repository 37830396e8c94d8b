/// The list envelope of the seeds: `data`, `total`, `page`, `pageSize`, `totalPages`.
public struct Page<Item: Codable & Sendable>: Codable, Sendable {
    public var data: [Item]
    public var total: Int
    public var page: Int
    public var pageSize: Int
    public var totalPages: Int

    public init(data: [Item], total: Int, page: Int, pageSize: Int) {
        self.data = data
        self.total = total
        self.page = page
        self.pageSize = pageSize
        self.totalPages = pageSize > 0 ? (total + pageSize - 1) / pageSize : 0
    }
}
