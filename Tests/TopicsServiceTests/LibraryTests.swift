import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import PostgresNIO
import ServiceKit
import SharedModels
import TestSupport
import Testing

@testable import TopicsService

/// Reading and editing a library: filters, single topics, edits with history, bulk delete, stats and facets.
@Suite struct LibraryTests {
    func create(_ name: String, org: OrgID, client: some TestClientProtocol) async throws -> Topic {
        let body = ByteBuffer(string: #"{"topic_name":"\#(name)"}"#)
        return try await client.execute(uri: "/api/topics", method: .post, headers: TopicsTestbed.headers(org), body: body) { response throws in
            #expect(response.status == .created)
            return try response.json(Topic.self)
        }
    }

    func list(_ query: String, org: OrgID, client: some TestClientProtocol) async throws -> Page<Topic> {
        try await client.execute(uri: "/api/topics?\(query)", method: .get, headers: TopicsTestbed.headers(org)) { response throws in
            #expect(response.status == .ok, "\(query)")
            return try response.json(Page<Topic>.self)
        }
    }

    /// Totals are cached per library version: every kind of write moves the version on, so a total is never stale.
    @Test func listTotalsFollowEveryWrite() async throws {
        let org = OrgID.generate()
        try await TopicsTestbed.run { client in
            func total(_ query: String) async throws -> Int {
                try await client.execute(uri: "/api/topics?\(query)", method: .get, headers: TopicsTestbed.headers(org)) { response in
                    try response.json(Page<Topic>.self).total
                }
            }
            let tesla = try await self.create("Tesla Model 3 Buyers", org: org, client: client)
            _ = try await self.create("Ford F-150 Intenders", org: org, client: client)
            #expect(try await total("parentCategory=Auto") == 2)
            // Asked again, from the cache, on another page.
            #expect(try await total("parentCategory=Auto&page=2") == 2)
            _ = try await self.create("Honda Civic Owners", org: org, client: client)
            #expect(try await total("parentCategory=Auto") == 3)
            let patch = ByteBuffer(string: #"{"parent_category":"Travel"}"#)
            try await client.execute(uri: "/api/topics/\(tesla.id.rawValue)", method: .patch, headers: TopicsTestbed.headers(org), body: patch) {
                #expect($0.status == .ok)
            }
            #expect(try await total("parentCategory=Auto") == 2)
            #expect(try await total("parentCategory=Travel") == 1)
            let delete = ByteBuffer(string: #"{"ids":["\#(tesla.id.rawValue)"]}"#)
            try await client.execute(uri: "/api/topics", method: .delete, headers: TopicsTestbed.headers(org), body: delete) {
                #expect($0.status == .ok)
            }
            #expect(try await total("parentCategory=Travel") == 0)
            #expect(try await total("") == 2)
        }
    }

    /// The database compares text byte for byte (collation C, as the scripts create it: code point order) and
    /// maps case the Unicode way (C.UTF-8): search folds case beyond ASCII, and names sort by code point.
    @Test func namesSortByCodePointAndSearchFoldsUnicodeCase() async throws {
        let org = OrgID.generate()
        let word = "qv" + String(UInt32.random(in: 0...UInt32.max), radix: 36)
        try await TopicsTestbed.run { client in
            let eclair = try await self.create("Éclair \(word) Lovers", org: org, client: client)
            let zebra = try await self.create("Zebra \(word) Fans", org: org, client: client)
            let apple = try await self.create("apple \(word) buyers", org: org, client: client)
            let sorted = try await self.list("search=\(word)&sortBy=topic_name&sortOrder=asc", org: org, client: client)
            #expect(sorted.data.map(\.id) == [apple.id, zebra.id, eclair.id])
            #expect(try await self.list("search=%C3%A9CLAIR%20\(word)", org: org, client: client).data.map(\.id) == [eclair.id])
        }
        let collation = try await TestDatabase.withClient(as: .topics) { client in
            let rows = try await client.query("SELECT datcollate, datctype FROM pg_database WHERE datname = current_database()")
            return try await rows.collect().map { try $0.decode((String, String).self) }
        }
        #expect(collation.first?.0 == "C" && collation.first?.1 == "C.UTF-8")
    }

    @Test func filtersCombineAndUnknownOnesAreRefused() async throws {
        let org = OrgID.generate()
        try await TopicsTestbed.run { client in
            let tesla = try await self.create("Tesla Model 3 Buyers", org: org, client: client)
            let cloud = try await self.create("B2B IT Decision Makers Cloud Security", org: org, client: client)
            _ = try await self.create("Yoga Enthusiasts", org: org, client: client)
            #expect(try await self.list("parentCategory=Auto&segmentType=B2C", org: org, client: client).data.map(\.id) == [tesla.id])
            #expect(try await self.list("segmentType=B2B&sortBy=topic_name", org: org, client: client).data.map(\.id) == [cloud.id])
            #expect(try await self.list("hasExternalId=true", org: org, client: client).total == 0)
            #expect(try await self.list("taxonomyType=Nonexistent", org: org, client: client).total == 0)
            for query in ["segmentType=B3B", "hasExternalId=maybe", "colour=red", "search=" + String(repeating: "x", count: 201)] {
                try await client.execute(uri: "/api/topics?\(query)", method: .get, headers: TopicsTestbed.headers(org)) { response in
                    #expect(response.status == .badRequest, "\(query)")
                }
            }
        }
    }

    @Test func anEditChangesOnlyThisOrgsCopyAndIsInTheHistory() async throws {
        let (org, other) = (OrgID.generate(), OrgID.generate())
        let name = unique("Electric Vehicle Intenders")
        try await TopicsTestbed.run { client in
            let topic = try await self.create(name, org: org, client: client)
            let theirs = try await self.create(name, org: other, client: client)
            let patch = ByteBuffer(string: #"{"segment_type":"B2B","keywords":["ev","fleet"]}"#)
            try await client.execute(uri: "/api/topics/\(topic.id.rawValue)", method: .patch, headers: TopicsTestbed.headers(org), body: patch) {
                response throws in
                #expect(response.status == .ok)
                let edited = try response.json(Topic.self)
                #expect(edited.segmentType == "B2B")
                #expect(edited.keywords == ["ev", "fleet"])
            }
            try await client.execute(uri: "/api/topics/\(theirs.id.rawValue)", method: .get, headers: TopicsTestbed.headers(other)) { response throws in
                #expect(try response.json(Topic.self).segmentType == theirs.segmentType)
            }
            try await client.execute(uri: "/api/topics/\(topic.id.rawValue)/history", method: .get, headers: TopicsTestbed.headers(org)) {
                response throws in
                let history = try response.json([JSONValue].self)
                guard case .object(let edit)? = history.first else { throw TestFailure("no history") }
                #expect(edit["changeType"] == "field_edit")
                #expect(edit["previousValues"] == .object(["segment_type": .string(theirs.segmentType ?? ""), "keywords": .array(theirs.keywords.map(JSONValue.string))]))
                #expect(edit["newValues"] == .object(["segment_type": "B2B", "keywords": ["ev", "fleet"]]))
                #expect(history.count == 2)
            }
            // Nothing valid, a wrong type, another org's topic.
            for (body, status) in [
                (#"{}"#, HTTPResponse.Status.badRequest), (#"{"segment_type":7}"#, .badRequest), (#"{"colour":"red"}"#, .badRequest),
                (#"{"parent_category":"Spaceships"}"#, .badRequest), (#"{"audience_type":"Martians"}"#, .badRequest),
                (#"{"parent_category":"Travel","taxonomy_type":"Travel & Hospitality"}"#, .ok),
            ] {
                try await client.execute(uri: "/api/topics/\(topic.id.rawValue)", method: .patch, headers: TopicsTestbed.headers(org), body: ByteBuffer(string: body)) {
                    response in
                    #expect(response.status == status, "\(body)")
                }
            }
            try await client.execute(uri: "/api/topics/\(theirs.id.rawValue)", method: .patch, headers: TopicsTestbed.headers(org), body: patch) { response in
                #expect(response.status == .notFound)
            }
        }
    }

    @Test func reclassifyingRestoresTheClassificationAndRecordsOnlyWhatChanged() async throws {
        let org = OrgID.generate()
        try await TopicsTestbed.run { client in
            let topic = try await self.create(unique("Tesla Model Y Buyers"), org: org, client: client)
            let patch = ByteBuffer(string: #"{"segment_type":"B2G"}"#)
            _ = try await client.execute(uri: "/api/topics/\(topic.id.rawValue)", method: .patch, headers: TopicsTestbed.headers(org), body: patch) { $0 }
            try await client.execute(uri: "/api/topics/\(topic.id.rawValue)/reclassify", method: .post, headers: TopicsTestbed.headers(org)) {
                response throws in
                #expect(response.status == .ok)
                guard case .object(let body) = try response.json(JSONValue.self) else { throw TestFailure("not an object") }
                #expect(body["segment_type"] == .string(topic.segmentType ?? ""))
                #expect(body["llm"] == false)
                #expect(body["fallback"] == false)
            }
            try await client.execute(uri: "/api/topics/\(topic.id.rawValue)/history", method: .get, headers: TopicsTestbed.headers(org)) {
                response throws in
                guard case .object(let entry)? = try response.json([JSONValue].self).first else { throw TestFailure("no history") }
                #expect(entry["changeType"] == "reclassified")
                #expect(entry["previousValues"] == ["segment_type": "B2G"])
                #expect(entry["source"] == "reclassify:rules")
            }
            // In bulk: unknown ids fail, the LLM without a model falls back to the rules, limits hold.
            let bulk = ByteBuffer(string: #"{"ids":["\#(topic.id.rawValue)","ot_01m88f2phkjs4v64h4gyex78nx"],"llm":true}"#)
            try await client.execute(uri: "/api/topics/reclassify", method: .post, headers: TopicsTestbed.headers(org), body: bulk) { response throws in
                guard case .object(let summary) = try response.json(JSONValue.self) else { throw TestFailure("not an object") }
                #expect(summary["total"] == 2)
                #expect(summary["success"] == 1)
                #expect(summary["failed"] == 1)
                #expect(summary["fallbackCount"] == 1)
                #expect(summary["llmCount"] == 0)
            }
            let tooMany = ByteBuffer(string: #"{"llm":true,"ids":[\#((0..<101).map { _ in "\"ot_x\"" }.joined(separator: ","))]}"#)
            try await client.execute(uri: "/api/topics/reclassify", method: .post, headers: TopicsTestbed.headers(org), body: tooMany) { response in
                #expect(response.status == .badRequest)
            }
            try await client.execute(uri: "/api/topics/ot_01m88f2phkjs4v64h4gyex78nx/reclassify", method: .post, headers: TopicsTestbed.headers(org)) {
                response in
                #expect(response.status == .notFound)
            }
        }
    }

    /// A bulk reclassification writes every topic in one statement: each must get its own classification back.
    @Test func bulkReclassificationRestoresEachTopicsOwnClassification() async throws {
        let org = OrgID.generate()
        try await TopicsTestbed.run { client in
            let topics = [
                try await self.create(unique("Tesla Model S Buyers"), org: org, client: client),
                try await self.create(unique("Cloud Security Decision Makers"), org: org, client: client),
            ]
            #expect(topics[0].parentCategory != topics[1].parentCategory)
            for topic in topics {
                let patch = ByteBuffer(string: #"{"segment_type":"B2G","parent_category":"Pets"}"#)
                _ = try await client.execute(uri: "/api/topics/\(topic.id.rawValue)", method: .patch, headers: TopicsTestbed.headers(org), body: patch) { $0 }
            }
            let bulk = ByteBuffer(string: #"{"ids":["\#(topics[1].id.rawValue)","\#(topics[0].id.rawValue)"]}"#)
            try await client.execute(uri: "/api/topics/reclassify", method: .post, headers: TopicsTestbed.headers(org), body: bulk) { response throws in
                guard case .object(let summary) = try response.json(JSONValue.self) else { throw TestFailure("not an object") }
                #expect(summary["success"] == 2)
            }
            for topic in topics {
                try await client.execute(uri: "/api/topics/\(topic.id.rawValue)", method: .get, headers: TopicsTestbed.headers(org)) { response throws in
                    let stored = try response.json(Topic.self)
                    #expect(stored.parentCategory == topic.parentCategory)
                    #expect(stored.segmentType == topic.segmentType)
                }
            }
        }
    }

    @Test func checkDuplicateBlocksWarnsAndNamesCatalogMatches() async throws {
        let (org, other) = (OrgID.generate(), OrgID.generate())
        let name = unique("Frequent Business Travelers From Chicago")
        try await TopicsTestbed.run { client in
            let topic = try await self.create(name, org: org, client: client)
            let check = { (name: String, org: OrgID) async throws -> [String: JSONValue] in
                let body = ByteBuffer(bytes: try JSONCoding.encoder.encode(JSONValue.object(["topic_name": .string(name)])))
                return try await client.execute(uri: "/api/topics/check-duplicate", method: .post, headers: TopicsTestbed.headers(org), body: body) {
                    response throws in
                    guard case .object(let answer) = try response.json(JSONValue.self) else { throw TestFailure("not an object") }
                    return answer
                }
            }
            let same = try await check(name.uppercased(), org)
            #expect(same["isDuplicate"] == true)
            #expect(same["confidence"] == 1)
            #expect(same["existingTopic"] == ["id": .string(topic.id.rawValue), "topic_name": .string(name)])
            let elsewhere = try await check(name, other)
            #expect(elsewhere["isDuplicate"] == false)
            #expect(elsewhere["catalogTopic"] != nil)
            let fresh = try await check(unique("Zebra Keepers"), org)
            #expect(fresh["isDuplicate"] == false)
            #expect(fresh["existingTopic"] == .null)
        }
    }

    @Test func theCatalogIsBrowsedAndAddedFromWithoutCrossingOrgs() async throws {
        let (org, other) = (OrgID.generate(), OrgID.generate())
        let name = unique("Vintage Vinyl Collectors")
        try await TopicsTestbed.run { client in
            _ = try await self.create(name, org: other, client: client)
            let search = name.split(separator: "-").last.map(String.init) ?? name
            let entry = try await client.execute(uri: "/api/catalog?search=\(search)", method: .get, headers: TopicsTestbed.headers(org)) {
                response throws -> [String: JSONValue] in
                guard case .object(let page) = try response.json(JSONValue.self), case .array(let data)? = page["data"],
                    case .object(let entry)? = data.first
                else { throw TestFailure("not a page") }
                #expect(data.count == 1)
                return entry
            }
            #expect(entry["in_library"] == false)
            #expect(entry["external_id"] == nil)
            guard case .string(let id)? = entry["id"] else { throw TestFailure("no id") }
            try await client.execute(uri: "/api/catalog/\(id)/add", method: .post, headers: TopicsTestbed.headers(org)) { response throws in
                #expect(response.status == .created)
                #expect(try response.json(Topic.self).source == "catalog")
            }
            try await client.execute(uri: "/api/catalog/\(id)/add", method: .post, headers: TopicsTestbed.headers(org)) { response in
                #expect(response.status == .conflict)
            }
            try await client.execute(uri: "/api/catalog/gt_01m88f2phkjs4v64h4gyex78nx/add", method: .post, headers: TopicsTestbed.headers(org)) { response in
                #expect(response.status == .notFound)
            }
        }
    }

    /// Filtered browsing counts and sorts the matches itself (not off the name index), so its pages, order and total are
    /// checked here: names in normal-form order, a page past the end still carrying the total, LIKE's own characters literal.
    @Test func catalogPagesAreInNameOrderWithExactTotals() async throws {
        let (org, other) = (OrgID.generate(), OrgID.generate())
        let marker = unique("m").replacingOccurrences(of: "-", with: "")
        try await TopicsTestbed.run { client in
            func browse(_ query: String) async throws -> (names: [String], inLibrary: [Bool], total: Int) {
                try await client.execute(uri: "/api/catalog?\(query)", method: .get, headers: TopicsTestbed.headers(org)) { response throws in
                    #expect(response.status == .ok, "\(query)")
                    guard case .object(let page) = try response.json(JSONValue.self), case .array(let data)? = page["data"],
                        case .number(let total)? = page["total"]
                    else { throw TestFailure("not a page") }
                    let entries = data.compactMap { entry -> (String, Bool)? in
                        guard case .object(let entry) = entry, case .string(let name)? = entry["topic_name"], case .bool(let owned)? = entry["in_library"]
                        else { return nil }
                        return (name, owned)
                    }
                    return (entries.map(\.0), entries.map(\.1), Int(total))
                }
            }
            let names = ["Zymurgy Hobbyists \(marker)", "arctic Kayak Owners \(marker)", "Backyard Beekeepers \(marker)"]
            _ = try await self.create(names[0], org: org, client: client)
            for name in names.dropFirst() { _ = try await self.create(name, org: other, client: client) }
            _ = try await self.create(#"Canoe Owners \\\#(marker)"#, org: other, client: client)

            let first = try await browse("search=\(marker)&pageSize=2")
            #expect(first.names == ["arctic Kayak Owners \(marker)", "Backyard Beekeepers \(marker)"])
            #expect(first.inLibrary == [false, false])
            #expect(first.total == 4)
            let second = try await browse("search=\(marker)&pageSize=2&page=2")
            #expect(second.names == [#"Canoe Owners \\#(marker)"#, "Zymurgy Hobbyists \(marker)"])
            #expect(second.inLibrary == [false, true])
            let past = try await browse("search=\(marker)&pageSize=2&page=3")
            #expect(past.names.isEmpty)
            #expect(past.total == 4)
            let backslash = try await browse("search=%5C\(marker)")
            #expect(backslash.names == [#"Canoe Owners \\#(marker)"#])
            #expect(try await browse("search=\(marker)%25").total == 0)

            let everything = try await browse("pageSize=100")
            #expect(everything.names.count == min(everything.total, 100))
            #expect(everything.total >= 4)
        }
    }

    @Test func bulkDeleteRemovesLinksOnlyAndNeedsThePermission() async throws {
        let (org, other) = (OrgID.generate(), OrgID.generate())
        let name = unique("Pet Parents")
        try await TopicsTestbed.run { client in
            let topic = try await self.create(name, org: org, client: client)
            _ = try await self.create(name, org: other, client: client)
            let body = ByteBuffer(string: #"{"ids":["\#(topic.id.rawValue)"]}"#)
            let member = TopicsTestbed.headers(org, role: "member", actorType: "session")
            try await client.execute(uri: "/api/topics", method: .delete, headers: member, body: body) { response in
                #expect(response.status == .forbidden)
            }
            try await client.execute(uri: "/api/topics", method: .delete, headers: TopicsTestbed.headers(org), body: body) { response in
                #expect(String(buffer: response.body) == #"{"deleted":1}"#)
            }
            #expect(try await self.list("", org: org, client: client).total == 0)
            #expect(try await self.list("", org: other, client: client).total == 1)
            try await client.execute(uri: "/api/topics", method: .delete, headers: TopicsTestbed.headers(org), body: ByteBuffer(string: #"{"ids":["nope"]}"#)) {
                response in
                #expect(response.status == .badRequest)
            }
        }
    }

    /// Stats and facets are cached per library version, so each is read again after an edit and a delete.
    @Test func statsAndFacetsDescribeTheLibraryAfterEveryWrite() async throws {
        let org = OrgID.generate()
        try await TopicsTestbed.run { client in
            func read(_ route: String) async throws -> [String: JSONValue] {
                try await client.execute(uri: "/api/topics/\(route)", method: .get, headers: TopicsTestbed.headers(org)) { response throws in
                    guard case .object(let object) = try response.json(JSONValue.self) else { throw TestFailure("not an object") }
                    return object
                }
            }
            let tesla = try await self.create("Tesla Model 3 Buyers", org: org, client: client)
            let security = try await self.create("Cloud Security Decision Makers", org: org, client: client)
            var stats = try await read("stats")
            #expect(stats["total"] == 2)
            #expect(stats["bySegmentType"] == ["B2B": 1, "B2C": 1])
            var facets = try await read("facets")
            #expect(facets["segmentTypes"] == ["B2B", "B2C"])
            #expect(facets["subcategoryL4s"] == [])

            let patch = ByteBuffer(string: #"{"segment_type":"B2B"}"#)
            try await client.execute(uri: "/api/topics/\(tesla.id.rawValue)", method: .patch, headers: TopicsTestbed.headers(org), body: patch) {
                #expect($0.status == .ok)
            }
            stats = try await read("stats")
            #expect(stats["bySegmentType"] == ["B2B": 2])
            facets = try await read("facets")
            #expect(facets["segmentTypes"] == ["B2B"])

            let delete = ByteBuffer(string: #"{"ids":["\#(security.id.rawValue)"]}"#)
            try await client.execute(uri: "/api/topics", method: .delete, headers: TopicsTestbed.headers(org), body: delete) {
                #expect($0.status == .ok)
            }
            stats = try await read("stats")
            #expect(stats["total"] == 1)
            facets = try await read("facets")
            #expect(facets["taxonomyTypes"] == ["Automotive & Vehicles"])
        }
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}

/// The export: streamed CSV that survives commas, quotes, newlines and Unicode; JSON; the owner-only full export.
@Suite struct ExportTests {
    @Test func csvRoundTripsAwkwardNamesAndFullIsForOwners() async throws {
        let org = OrgID.generate()
        let awkward = unique(#"Café "Lovers", Paris"#) + "\nSecond line ☕"
        try await TopicsTestbed.run { client in
            let body = ByteBuffer(bytes: try JSONCoding.encoder.encode(JSONValue.object(["topic_name": .string(awkward)])))
            _ = try await client.execute(uri: "/api/topics", method: .post, headers: TopicsTestbed.headers(org), body: body) { $0 }
            _ = try await client.execute(uri: "/api/topics", method: .post, headers: TopicsTestbed.headers(org), body: ByteBuffer(string: #"{"topic_name":"Tesla Model 3 Buyers"}"#)) { $0 }
            try await client.execute(uri: "/api/export?format=csv&sortBy=topic_name&sortOrder=asc", method: .get, headers: TopicsTestbed.headers(org)) {
                response throws in
                #expect(response.status == .ok)
                #expect(response.headers[.contentDisposition]?.hasPrefix("attachment; filename=\"topics-") == true)
                let rows = CSV.parse(String(buffer: response.body))
                #expect(rows.first == ExportController.standardColumns)
                #expect(rows.dropFirst().map { $0[1] } == [awkward, "Tesla Model 3 Buyers"].sorted { $0.lowercased() < $1.lowercased() })
                #expect(rows.dropFirst().allSatisfy { $0.count == ExportController.standardColumns.count })
            }
            try await client.execute(uri: "/api/export?format=json&segmentType=B2C&parentCategory=Auto", method: .get, headers: TopicsTestbed.headers(org)) {
                response throws in
                #expect(try response.json([Topic].self).map(\.topicName) == ["Tesla Model 3 Buyers"])
            }
            try await client.execute(uri: "/api/export?full=true", method: .get, headers: TopicsTestbed.headers(org, role: "member")) { response in
                #expect(response.status == .forbidden)
            }
            try await client.execute(uri: "/api/export?full=true", method: .get, headers: TopicsTestbed.headers(org)) { response in
                #expect(CSV.parse(String(buffer: response.body)).first == ExportController.standardColumns + ExportController.fullColumns)
            }
            try await client.execute(uri: "/api/export?format=xml", method: .get, headers: TopicsTestbed.headers(org)) { response in
                #expect(response.status == .badRequest)
            }
        }
    }
}

/// RFC 4180, enough to read our export back.
enum CSV {
    static func parse(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var characters = Array(text.unicodeScalars)[...]
        while let character = characters.popFirst() {
            if quoted {
                if character == "\"" {
                    if characters.first == "\"" {
                        field.unicodeScalars.append("\"")
                        characters.removeFirst()
                    } else {
                        quoted = false
                    }
                } else {
                    field.unicodeScalars.append(character)
                }
            } else if character == "\"" {
                quoted = true
            } else if character == "," {
                row.append(field)
                field = ""
            } else if character == "\r" {
                continue
            } else if character == "\n" {
                row.append(field)
                rows.append(row)
                (row, field) = ([], "")
            } else {
                field.unicodeScalars.append(character)
            }
        }
        return rows
    }
}
