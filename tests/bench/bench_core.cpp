// Per-row costs of `contacts import`: phone normalization (libphonenumber) and CSV parsing.
#include "core/contact.hpp"
#include "core/csv.hpp"
#include "core/phone.hpp"

#include <benchmark/benchmark.h>

#include <sstream>

namespace {

void bm_phone_normalization(benchmark::State& state) {
    const kibaru::core::PhoneNormalizer phones("ML");
    int i = 0;
    char buffer[32];
    for (auto _ : state) {
        std::snprintf(buffer, sizeof buffer, "7%d %02d %02d %02d", i % 10, (i / 10) % 100,
                      (i / 1000) % 100, (i / 100000) % 100);
        benchmark::DoNotOptimize(phones.mobile_e164(buffer));
        ++i;
    }
}
BENCHMARK(bm_phone_normalization);

void bm_csv_parse(benchmark::State& state) {
    std::string text = "phone,name,organisation,kind,region,commodities,language,tags\n";
    for (int i = 0; i < 10000; ++i) {
        text += "76" + std::to_string(100000 + i) +
                ",\"Traoré, Awa\",Jiguiya,producer,Dioila,sesame;rice,bm,trained\n";
    }
    for (auto _ : state) {
        std::istringstream in(text);
        kibaru::core::CsvReader reader(in);
        kibaru::core::CsvRecord record;
        std::size_t rows = 0;
        while (reader.next(record) == kibaru::core::CsvReader::Status::record) {
            ++rows;
        }
        benchmark::DoNotOptimize(rows);
    }
    state.SetItemsProcessed(state.iterations() * 10001);
    state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(text.size()));
}
BENCHMARK(bm_csv_parse);

} // namespace

BENCHMARK_MAIN();
